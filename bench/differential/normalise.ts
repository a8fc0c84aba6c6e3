/**
 * An answer reduced to what a client depends on, so two servers' answers can be compared: the
 * status code and warnings always; for a Status its reason, code, details and causes (field and
 * reason), and whether the message matches the step's pattern; for an object its names, labels,
 * annotations, generation, owners, finalizers, managers and every field but status (so defaults
 * count); for a list its item names and paging; for a watch the sequence of event types and names.
 * Values that differ by nature (uids, timestamps, resource versions, random suffixes) become
 * placeholders.
 */
import type { Step } from './corpus.ts';
import type { Answer, WatchAnswer } from './http.ts';
import { deletePath, readPath } from './paths.ts';

export type Normalised = Record<string, unknown>;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const RANDOM_VOLUME = /\bkube-api-access-[a-z0-9]{5}\b/g;

/** Placeholders for values that differ by nature between two servers. */
export function scrub(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (key === 'resourceVersion' || key === 'uid') return '<set>';
    if (TIME.test(value)) return '<time>';
    return value
      .replace(UUID, '<uid>')
      .replace(RANDOM_VOLUME, 'kube-api-access-<rand>')
      .replace(/([?&]hash=)[0-9A-Fa-f]+/g, '$1<hash>');
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, scrub(v, k)]),
    );
  }
  return value;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function nameOf(o: unknown): unknown {
  if (!isObj(o) || !isObj(o.metadata)) return undefined;
  const m = o.metadata;
  return m.name;
}

function projectMetadata(m: Obj): Obj {
  const managed = Array.isArray(m.managedFields) ? m.managedFields.filter(isObj) : undefined;
  const owners = Array.isArray(m.ownerReferences) ? m.ownerReferences.filter(isObj) : undefined;
  return scrub({
    name: m.name,
    namespace: m.namespace,
    labels: m.labels,
    annotations: m.annotations,
    generation: m.generation,
    finalizers: m.finalizers,
    ownerReferences: owners?.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.name,
      controller: o.controller,
      blockOwnerDeletion: o.blockOwnerDeletion,
    })),
    uid: m.uid === undefined ? undefined : 'set',
    resourceVersion: m.resourceVersion === undefined ? undefined : 'set',
    creationTimestamp: m.creationTimestamp === undefined ? undefined : 'set',
    deletionTimestamp: m.deletionTimestamp === undefined ? undefined : 'set',
    deletionGracePeriodSeconds: m.deletionGracePeriodSeconds,
    managedFields: managed
      ?.map((f) => ({
        manager: f.manager,
        operation: f.operation,
        subresource: f.subresource,
        apiVersion: f.apiVersion,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  }) as Obj;
}

function projectStatus(s: Obj, step: Step): Obj {
  const d = isObj(s.details) ? s.details : undefined;
  const causes = Array.isArray(d?.causes)
    ? d.causes
        .filter(isObj)
        .map((c) => `${String(c.field ?? '')}: ${String(c.reason ?? '')}`)
        .sort()
    : undefined;
  return scrub({
    kind: 'Status',
    status: s.status,
    reason: s.reason,
    code: s.code,
    details: d && {
      name: d.name,
      group: d.group,
      kind: d.kind,
      causes,
      retryAfterSeconds: d.retryAfterSeconds,
    },
    ...(step.message !== undefined
      ? { [`message ~ /${step.message}/`]: new RegExp(step.message).test(String(s.message ?? '')) }
      : {}),
  }) as Obj;
}

function projectBody(body: unknown, step: Step): unknown {
  if (!isObj(body))
    return typeof body === 'string' ? scrub(body.length > 400 ? `${body.slice(0, 400)}…` : body) : body;
  const kind = typeof body.kind === 'string' ? body.kind : '';
  if (kind === 'Status') return projectStatus(body, step);
  if (kind === 'Table') {
    const cols = Array.isArray(body.columnDefinitions)
      ? body.columnDefinitions.filter(isObj).map((c) => c.name)
      : [];
    const age = cols.indexOf('Age');
    const rows = Array.isArray(body.rows)
      ? body.rows
          .filter(isObj)
          .map((r) => (Array.isArray(r.cells) ? r.cells.filter((_, i) => i !== age) : r.cells))
      : [];
    return scrub({ kind, columns: cols, rows });
  }
  if (Array.isArray(body.items)) {
    const meta = isObj(body.metadata) ? body.metadata : {};
    return scrub({
      kind,
      apiVersion: body.apiVersion,
      items: body.items.map(nameOf),
      continue: typeof meta.continue === 'string' && meta.continue !== '' ? 'set' : undefined,
      remainingItemCount: meta.remainingItemCount,
      resourceVersion: meta.resourceVersion === undefined ? undefined : 'set',
    });
  }
  if (kind === 'APIResourceList') {
    const rs = Array.isArray(body.resources) ? body.resources.filter(isObj) : [];
    return { kind, groupVersion: body.groupVersion, resources: rs.map((r) => r.name).sort() };
  }
  if (kind === 'APIGroupList') {
    const gs = Array.isArray(body.groups) ? body.groups.filter(isObj) : [];
    return { kind, groups: gs.map((g) => g.name).sort() };
  }
  const out: Obj = { apiVersion: body.apiVersion, kind: body.kind };
  if (isObj(body.metadata)) out.metadata = projectMetadata(body.metadata);
  for (const [k, v] of Object.entries(body)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') out[k] = scrub(v, k);
  }
  return out;
}

const byManager = (a: unknown, b: unknown) => {
  const key = (f: unknown) =>
    isObj(f) ? `${String(f.manager)} ${String(f.operation)} ${String(f.subresource ?? '')}` : '';
  return key(a).localeCompare(key(b));
};

/**
 * Values whose form differs by nature: a generated name's random suffix becomes `*`
 * (`web-x7k2p` → `web-*`, while a StatefulSet's `db-0` stays), and managedFields entries are put
 * in one order; in an object and in a list's items.
 */
function canonicalise(body: Obj): void {
  for (const o of [body, ...(Array.isArray(body.items) ? body.items : [])]) {
    if (!isObj(o) || !isObj(o.metadata)) continue;
    const m = o.metadata;
    if (typeof m.generateName === 'string' && typeof m.name === 'string') {
      const suffix = m.name.slice(m.generateName.length);
      if (m.name.startsWith(m.generateName) && /^[a-z0-9]{5}$/.test(suffix)) m.name = `${m.generateName}*`;
    }
    if (Array.isArray(m.managedFields)) m.managedFields.sort(byManager);
  }
}

/** Sorts every list of plain values, deeply. */
function sortPlainLists(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(sortPlainLists);
    return items.every((v) => typeof v !== 'object' || v === null) ? [...items].sort() : items;
  }
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortPlainLists(v)]));
  return value;
}

/** The leading ADDED events of a watch are the initial state, in no promised order: sorted. */
function eventLines(events: WatchAnswer['events']): string[] {
  const lines: string[] = [];
  for (const e of events) {
    const o: Obj = isObj(e.object) ? e.object : {};
    if (e.type === 'BOOKMARK') {
      const ann = isObj(o.metadata) && isObj(o.metadata.annotations) ? o.metadata.annotations : {};
      if (ann['k8s.io/initial-events-end'] === 'true') lines.push('BOOKMARK initial-events-end');
      continue;
    }
    if (e.type === 'ERROR') lines.push(`ERROR ${String(o.code)} ${String(o.reason)}`);
    else lines.push(`${e.type} ${String(nameOf(o))}`);
  }
  let lead = 0;
  while (lead < lines.length && (lines[lead] as string).startsWith('ADDED ')) lead++;
  return [...lines.slice(0, lead).sort(), ...lines.slice(lead)];
}

export function normalise(answer: Answer | WatchAnswer, step: Step): Normalised {
  const out: Normalised = { status: answer.status };
  if (answer.warnings.length > 0) out.warnings = answer.warnings.map((w) => scrub(w));
  if (step.statusOnly) return out;
  if ('events' in answer && answer.status === 200) {
    out.events = eventLines(answer.events);
    return out;
  }
  let body = answer.body;
  if (isObj(body)) {
    const copy = structuredClone(body);
    canonicalise(copy);
    body = copy;
  }
  if (step.compare && !(isObj(body) && body.kind === 'Status')) {
    out.body = Object.fromEntries(step.compare.map((p) => [p, scrub(readPath(body, p)) ?? null]));
    if (step.unordered) out.body = sortPlainLists(out.body);
    return out;
  }
  if (step.ignore && isObj(body)) {
    for (const p of step.ignore) deletePath(body, p);
  }
  out.body = projectBody(body, step);
  return out;
}

/** Canonical JSON (sorted keys), so equal answers compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_, v) =>
      isObj(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? 'undefined'
  );
}

/** The paths where two normalised answers differ (at most `max`). */
export function differences(a: unknown, b: unknown, max = 8, path = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  if (isObj(a) && isObj(b)) {
    const out: string[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (out.length >= max) break;
      out.push(...differences(a[k], b[k], max - out.length, path ? `${path}.${k}` : k));
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const out: string[] = [];
    for (let i = 0; i < a.length && out.length < max; i++)
      out.push(...differences(a[i], b[i], max - out.length, `${path}[${i}]`));
    return out;
  }
  return [path || '(whole)'];
}
