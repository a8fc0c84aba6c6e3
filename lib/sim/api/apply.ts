/**
 * Server-side apply (PATCH with application/apply-patch+yaml): the applied configuration is merged
 * into the live object, the manager owns exactly the fields it applied, fields it applied before
 * and no longer applies are removed (unless someone else owns them), and changing a field another
 * manager owns is a 409 Conflict unless the request forces it. Absent objects are created (201).
 * Installed on the Api as `api.applyHandler`.
 */
import type { Api, WriteContext } from './api.ts';
import {
  badRequest,
  conflict,
  invalid,
  OPTIMISTIC_LOCK_MESSAGE,
  StatusError,
  type StatusCause,
} from './errors.ts';
import {
  type FieldMembers,
  type FieldPath,
  type ItemIndex,
  keyPath,
  membersOf,
  mergeApplied,
  pathString,
  removeAt,
  trackedPart,
  valueAt,
  writablePart,
  withoutNulls,
} from './fieldset.ts';
import { checkAppliedFields } from './validation/apply-fields.ts';
import type { AtomicTest } from './validation/builtin-schema.ts';
import { atomicOf, entriesOf, type FieldOwner, isEntryOf, ownersOf } from './managed-fields.ts';
import { apiVersionOf, type ResourceType } from './resource.ts';
import { clone, isPlainObject, type KObject, type ManagedFieldsEntry, sameJson, timestamp } from './types.ts';

export type ApplyContext = WriteContext & { subresource?: 'status'; force?: boolean };

interface FieldConflict {
  owner: FieldOwner;
  key: string;
  path: FieldPath;
}

const KUBECTL_MANAGER = 'kubectl';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Metadata a configuration may carry but the server sets; it is neither merged nor owned. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink'];

export function serverSideApply(
  api: Api,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
  body: unknown,
  ctx: ApplyContext,
): { object: KObject; created: boolean } {
  const manager = ctx.fieldManager;
  if (!manager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [
      { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
    ]);
  }
  const config = applyConfiguration(rt, body, name, namespace);
  checkAppliedFields(rt, config, namespace, name);
  const subresource = ctx.subresource;
  const atomic = atomicOf(rt);
  const applied = membersOf(
    withoutNulls(writablePart(trackedPart(config), !!rt.hasStatus, subresource)),
    atomic,
  );
  const writer = { manager, subresource, apiVersion: apiVersionOf(rt), time: timestamp(api.now()) };
  const live = api.find(rt, namespace, name);

  if (!live) {
    if (subresource) api.get(rt, namespace, name); // a status apply needs the object: 404
    const obj = mergeApplied({}, config, atomic) as KObject;
    obj.metadata = { ...obj.metadata, name };
    const managedFields = (final: KObject) =>
      entriesOf([{ ...writer, operation: 'Apply', members: present(applied, final, atomic) }]);
    const object = api.create(rt, namespace, obj, {
      fieldManager: manager,
      dryRun: ctx.dryRun,
      managedFields,
    });
    return { object, created: true };
  }

  const rv = config.metadata.resourceVersion;
  if (typeof rv === 'string' && rv !== '' && rv !== live.metadata.resourceVersion) {
    throw conflict({ group: rt.group, resource: rt.plural }, name, OPTIMISTIC_LOCK_MESSAGE);
  }
  const owners = ownersOf(live.metadata.managedFields);
  const mine = owners.find((o) => isEntryOf(o, manager, 'Apply', subresource));
  const others = owners.filter((o) => o !== mine);
  const conflicts = conflictsWith(others, manager, applied, live);
  if (conflicts.length > 0 && !ctx.force) {
    // `kubectl apply --server-side` takes over what `kubectl apply` set without conflicts, as the
    // real server does for the kubectl manager (its last-applied annotation says what that was).
    const allowed = manager === KUBECTL_MANAGER ? lastAppliedMembers(live, atomic) : undefined;
    const blocking = allowed ? conflicts.filter((c) => !allowed.has(c.key)) : conflicts;
    if (blocking.length > 0) throw applyConflict(blocking);
  }
  for (const c of conflicts) c.owner.members.delete(c.key);

  // What this manager applied before and applies no more goes, unless another manager owns it.
  const next = clone(live);
  const keptByOthers = new Set(others.flatMap((o) => [...o.members]));
  for (const key of mine?.members ?? []) {
    if (!applied.has(key) && !keptByOthers.has(key)) removeAt(next, keyPath(key));
  }
  const metadata = { ...config.metadata };
  for (const f of SERVER_METADATA) delete metadata[f];
  const merged = mergeApplied(next, { ...config, metadata }, atomic) as KObject;
  // And it keeps that annotation in step, so a later client-side apply does not undo this one.
  const annotations = merged.metadata.annotations;
  if (manager === KUBECTL_MANAGER && typeof annotations?.[LAST_APPLIED] === 'string') {
    merged.metadata.annotations = { ...annotations, [LAST_APPLIED]: lastAppliedText(config) };
  }

  const managedFields = (final: KObject): ManagedFieldsEntry[] | undefined => {
    const finalMembers = membersOf(trackedPart(final), atomic);
    const members = present(applied, final, atomic, finalMembers);
    const unchanged =
      conflicts.length === 0 &&
      mine !== undefined &&
      sameSet(mine.members, members) &&
      sameJson(trackedPart(final), trackedPart(live));
    if (unchanged) return live.metadata.managedFields;
    for (const o of others)
      for (const key of [...o.members]) if (!finalMembers.has(key)) o.members.delete(key);
    const entry: FieldOwner = { ...writer, operation: 'Apply', members };
    return entriesOf(mine ? owners.map((o) => (o === mine ? entry : o)) : [...owners, entry]);
  };
  const object = api.storeUpdate(rt, live, merged, {
    fieldManager: manager,
    dryRun: ctx.dryRun,
    subresource,
    managedFields,
  });
  return { object, created: false };
}

/** Checks the applied configuration the way the real server decodes it. */
function applyConfiguration(
  rt: ResourceType,
  body: unknown,
  name: string,
  namespace: string | undefined,
): KObject {
  if (body === undefined) throw badRequest('error decoding YAML: the apply patch is empty');
  if (!isPlainObject(body)) {
    const type = Array.isArray(body) ? 'array' : typeof body === 'object' ? 'null' : typeof body;
    throw badRequest(
      `error decoding YAML: json: cannot unmarshal ${type} into Go value of type map[string]interface {}`,
    );
  }
  const metadata = body.metadata ?? {};
  if (!isPlainObject(metadata)) {
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: metadata must be an object`,
    );
  }
  if (metadata.managedFields !== undefined && metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const expected = apiVersionOf(rt);
  if (body.apiVersion !== expected) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${typeof body.apiVersion === 'string' ? body.apiVersion : ''}, expected: ${expected}`,
    );
  }
  if (typeof body.kind !== 'string' || body.kind === '') {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  }
  if (body.kind !== rt.kind) {
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${body.kind}: the kind does not match the resource`,
    );
  }
  if (metadata.name !== undefined && metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (rt.namespaced && metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...body, metadata: rest } as KObject;
}

/** The fields a client-side `kubectl apply` last set, from its annotation; undefined without one. */
function lastAppliedMembers(live: KObject, atomic: AtomicTest | undefined): Set<string> | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const last: unknown = JSON.parse(text);
    return isPlainObject(last) ? new Set(membersOf(trackedPart(last), atomic).keys()) : undefined;
  } catch {
    return undefined;
  }
}

/** The annotation text for an applied configuration: the configuration without the annotation. */
function lastAppliedText(config: KObject): string {
  const metadata = { ...config.metadata };
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return JSON.stringify({ ...config, metadata });
}

/** Applied leaves whose value differs from the live value of a field another manager owns. */
function conflictsWith(
  others: FieldOwner[],
  manager: string,
  applied: FieldMembers,
  live: KObject,
): FieldConflict[] {
  const out: FieldConflict[] = [];
  const index: ItemIndex = new WeakMap();
  for (const [key, member] of applied) {
    if (!member.leaf) continue;
    for (const owner of others) {
      // A manager's own Update entry does not conflict with its applies.
      if (owner.manager === manager || !owner.members.has(key)) continue;
      if (sameJson(valueAt(live, member.path, index), member.value)) continue;
      out.push({ owner, key, path: member.path });
    }
  }
  return out;
}

/** The applied members still present in the stored object (validation or defaulting may drop some). */
function present(
  applied: FieldMembers,
  final: KObject,
  atomic: AtomicTest | undefined,
  finalMembers: FieldMembers = membersOf(trackedPart(final), atomic),
): Set<string> {
  return new Set([...applied.keys()].filter((k) => finalMembers.has(k)));
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

/** How the real server names a manager in conflicts (apimachinery managedfields printManager). */
function printManager(o: FieldOwner): string {
  let s = JSON.stringify(o.manager);
  if (o.subresource) s = `${s} with subresource ${JSON.stringify(o.subresource)}`;
  if (o.operation === 'Update') s = `${s} using ${o.apiVersion}`;
  return s;
}

/** 409 Conflict with the real message and FieldManagerConflict causes. */
function applyConflict(conflicts: FieldConflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.owner)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.owner)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = printManager(c.owner);
      byManager.set(m, [...(byManager.get(m) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
