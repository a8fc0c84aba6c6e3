/**
 * The API server's semantics over the store: metadata, validation, namespace lifecycle, status
 * rules, optimistic concurrency, graceful deletion with finalizers, selectors, paging and watches.
 * The HTTP layer and the simulated controllers both go through this class, so a controller can do
 * nothing a real one could not do through the API.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  type FieldError,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  StatusError,
} from './errors.ts';
import { randomNameSuffix } from '../random.ts';
import {
  decodeContinue,
  encodeContinue,
  parseResourceVersion,
  tooLargeResourceVersion,
  validateListOptions,
} from './list-options.ts';
import { atomicOf, DEFAULT_FIELD_MANAGER, recordUpdate, zeroOf } from './managed-fields.ts';
import { validateObjectMeta } from './metadata.ts';
import { type DecodeOptions, decodeWrite } from './validation/field-validation.ts';
import { forbiddenForce, type PatchType, patchObject } from './patch.ts';
import type { Registry } from './registry.ts';
import { apiVersionOf, resourceKey, type ResourceType, type StrategyContext, type Verb } from './resource.ts';
import {
  type FieldRequirement,
  type LabelSelector,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';
import type { Change, Store } from './store.ts';
import {
  canonicalJson,
  clone,
  isPlainObject,
  type KObject,
  type ManagedFieldsEntry,
  sameJson,
  timestamp,
  type WatchEvent,
} from './types.ts';

export interface WriteContext extends DecodeOptions {
  /** Who is writing: a field manager name (kubectl, kubelet, scheduler, …). */
  fieldManager?: string;
  dryRun?: boolean;
  /**
   * Computes metadata.managedFields for the object about to be stored, instead of recording an
   * Update by `fieldManager` (server-side apply records an Apply entry this way).
   */
  managedFields?: (final: KObject) => ManagedFieldsEntry[] | undefined;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Only to refuse it: lists take no sendInitialEvents. */
  sendInitialEvents?: boolean;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KObject[];
}

export interface DeleteResult {
  /** The object after the call: marked for deletion, or its last state when it is gone. */
  object: KObject;
  /** Whether the object left the store. */
  removed: boolean;
}

export interface WatchHandle {
  stop(): void;
}

/** A subresource's behaviour (binding, eviction, scale…); `status` is built in. */
export interface SubresourceHandler {
  get?(api: Api, rt: ResourceType, namespace: string | undefined, name: string): KObject;
  /** GET of a subresource that is not an object (pods/log): its body and content type, given the query. */
  read?(
    api: Api,
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    query: URLSearchParams,
  ): { contentType: string; body: string };
  /** POST to the subresource; answers the body to send and its HTTP code. */
  create?(
    api: Api,
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KObject,
    ctx: WriteContext,
  ): { code: number; body: unknown };
  update?(
    api: Api,
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KObject,
    ctx: WriteContext,
  ): KObject;
}

/** Hooks that run before a write is stored; they may throw a StatusError to refuse it (admission). */
export type Admission = (
  op: 'create' | 'update' | 'delete',
  rt: ResourceType,
  obj: KObject,
  old?: KObject,
) => void;

export interface ApiOptions {
  /** Random source for names and uids; seeded by the cluster so runs replay exactly. */
  random?: () => number;
  now?: () => Date;
}

interface Matcher {
  labels: LabelSelector;
  fields: FieldRequirement[];
  namespace: string | undefined;
}

export class Api {
  readonly store: Store;
  readonly registry: Registry;
  private readonly random: () => number;
  private readonly nowFn: () => Date;
  private readonly subresourceHandlers = new Map<string, SubresourceHandler>();
  private readonly admissions: Admission[] = [];

  constructor(store: Store, registry: Registry, options: ApiOptions = {}) {
    this.store = store;
    this.registry = registry;
    this.random = options.random ?? Math.random;
    this.nowFn = options.now ?? (() => new Date());
  }

  now(): Date {
    return this.nowFn();
  }

  /** A resource by group and plural; throws 404 when it is not served. */
  resource(group: string, plural: string): ResourceType {
    const rt = this.registry.find(group, plural);
    if (!rt)
      throw new StatusError(
        404,
        'NotFound',
        `the server could not find the requested resource (${plural}${group ? `.${group}` : ''})`,
      );
    return rt;
  }

  handleSubresource(group: string, plural: string, subresource: string, handler: SubresourceHandler): void {
    this.subresourceHandlers.set(`${group}/${plural}/${subresource}`, handler);
  }

  subresourceHandler(rt: ResourceType, subresource: string): SubresourceHandler | undefined {
    return this.subresourceHandlers.get(`${rt.group}/${rt.plural}/${subresource}`);
  }

  addAdmission(admission: Admission): void {
    this.admissions.push(admission);
  }

  /** A uid drawn from the cluster's random source (RFC 4122 v4 layout). */
  newUid(): string {
    if (this.random === Math.random) return randomUUID();
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  private nameSuffix(): string {
    return randomNameSuffix(this.random);
  }

  private context(): StrategyContext {
    return {
      now: this.now(),
      random: this.random,
      lookup: (group, plural, namespace, name) => {
        const rt = this.registry.find(group, plural);
        return rt ? this.store.get(resourceKey(rt), namespace, name) : undefined;
      },
      list: (group, plural, namespace) => {
        const rt = this.registry.find(group, plural);
        return rt ? this.store.list(resourceKey(rt), rt.namespaced ? namespace : undefined) : [];
      },
    };
  }

  private checkVerb(rt: ResourceType, verb: Verb): void {
    if (rt.verbs && !rt.verbs.includes(verb)) throw methodNotAllowed();
  }

  private gr(rt: ResourceType) {
    return { group: rt.group, resource: rt.plural };
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KObject {
    this.checkVerb(rt, 'get');
    const obj = this.store.get(resourceKey(rt), rt.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(this.gr(rt), name);
    return present(rt, obj);
  }

  /** Like get, but undefined when absent. */
  find(rt: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const obj = this.store.get(resourceKey(rt), rt.namespaced ? namespace : undefined, name);
    return obj ? present(rt, obj) : undefined;
  }

  private matcher(
    rt: ResourceType,
    namespace: string | undefined,
    labelSelector?: string,
    fieldSelector?: string,
  ): Matcher {
    const fields = parseFieldSelector(fieldSelector);
    for (const f of fields) {
      const known =
        f.field === 'metadata.name' ||
        (f.field === 'metadata.namespace' && rt.namespaced) ||
        !!rt.fields?.[f.field];
      if (known) continue;
      // Kinds with their own field label conversion name the label; the rest answer with the
      // default conversion's words (apimachinery DefaultMetaV1FieldSelectorConversion).
      if (rt.fields) throw badRequest(`field label not supported: ${f.field}`);
      throw badRequest(
        `"${f.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return {
      labels: parseLabelSelector(labelSelector),
      fields,
      namespace: rt.namespaced ? namespace : undefined,
    };
  }

  private matches(rt: ResourceType, m: Matcher, obj: KObject): boolean {
    if (m.namespace && obj.metadata.namespace !== m.namespace) return false;
    if (!matchesLabels(m.labels, obj.metadata.labels)) return false;
    return m.fields.every((f) => {
      let value: string | undefined;
      if (f.field === 'metadata.name') value = obj.metadata.name;
      else if (f.field === 'metadata.namespace') value = obj.metadata.namespace;
      else value = rt.fields![f.field]!(obj);
      const v = value ?? '';
      return f.op === 'eq' ? v === f.value : v !== f.value;
    });
  }

  /**
   * Lists with the real server's resourceVersion semantics: unset, "0" or NotOlderThan answer the
   * current state (the HTTP layer first waits for a future version, as the watch cache does); Exact,
   * or a version with a limit and no match, answer the state at that version. Every page of a paged
   * list is served from the first page's snapshot: its continue token carries that version, so an
   * object created between pages does not appear, and a token older than the kept history is 410.
   */
  list(rt: ResourceType, namespace: string | undefined, options: ListOptions = {}): ObjectList {
    this.checkVerb(rt, 'list');
    validateListOptions(options);
    const m = this.matcher(rt, namespace, options.labelSelector, options.fieldSelector);
    const key = resourceKey(rt);
    const current = this.store.resourceVersion;
    let at: number | undefined;
    let start: string | undefined;
    if (options.continue) {
      ({ rv: at, start } = decodeContinue(options.continue));
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      const rv = parseResourceVersion(options.resourceVersion);
      if (rv > current) throw tooLargeResourceVersion(rv, current);
      const exact =
        options.resourceVersionMatch === 'Exact' ||
        (options.resourceVersionMatch === undefined && (options.limit ?? 0) > 0);
      if (exact) at = rv;
    }
    let items: KObject[];
    if (at === undefined || at >= current) {
      items = this.store.list(key, m.namespace);
    } else {
      const past = this.store.listAt(key, at, m.namespace);
      if (!past) {
        throw expired(
          options.continue
            ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
            : 'The resourceVersion for the provided list is too old.',
        );
      }
      items = past;
    }
    items = items.filter((o) => this.matches(rt, m, o));
    if (start !== undefined) items = items.filter((o) => keyOf(o) >= start);
    const listRv = at ?? current;
    const meta: ObjectList['metadata'] = { resourceVersion: String(listRv) };
    if (options.limit && options.limit > 0 && items.length > options.limit) {
      const remaining = items.length - options.limit;
      items = items.slice(0, options.limit);
      meta.continue = encodeContinue(listRv, `${keyOf(items[items.length - 1]!)}\u0000`);
      // The real server counts the rest only without selectors (storage.PrepareContinueToken).
      if (!options.labelSelector && !options.fieldSelector) meta.remainingItemCount = remaining;
    }
    return {
      apiVersion: apiVersionOf(rt),
      kind: rt.listKind ?? `${rt.kind}List`,
      metadata: meta,
      items: items.map((o) => present(rt, o)),
    };
  }

  private checkNamespace(rt: ResourceType, namespace: string, name: string): void {
    if (!rt.namespaced) return;
    const ns = this.store.get('/v1/namespaces', undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
      throw forbidden(
        this.gr(rt),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private checkBody(rt: ResourceType, body: unknown): KObject {
    if (!isPlainObject(body)) throw badRequest(`the body of the request must be a ${rt.kind} object`);
    const obj = body as KObject;
    if (obj.kind !== undefined && obj.kind !== rt.kind) {
      throw badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${String(obj.kind)}: the kind does not match the resource`,
      );
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(rt)) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(rt)})`,
      );
    }
    if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) {
      throw badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: metadata must be an object`,
      );
    }
    return obj;
  }

  private validate(
    rt: ResourceType,
    obj: KObject,
    old: KObject | undefined,
    decoded: FieldError[] = [],
  ): void {
    const meta = validateObjectMeta(obj.metadata, rt.namespaced, rt.nameRule);
    // An update's metadata is checked four times over by the real server (the common fields' create
    // and update checks, then the strategy's two), and each finding is reported each time.
    const errors = [
      ...(old ? [...meta, ...meta, ...meta, ...meta] : meta),
      ...(rt.validate?.(obj, old) ?? []),
    ];
    for (const e of decoded) {
      if (!errors.some((x) => x.field === e.field && x.type === e.type)) errors.push(e);
    }
    if (errors.length > 0) throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', errors);
  }

  create(rt: ResourceType, namespace: string | undefined, body: unknown, ctx: WriteContext = {}): KObject {
    this.checkVerb(rt, 'create');
    const obj = clone(this.checkBody(rt, body));
    const decoded = decodeWrite(rt, obj, ctx);
    obj.metadata = { ...(obj.metadata ?? {}) };
    const meta = obj.metadata;
    if (rt.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace ?? meta.namespace;
    } else if (namespace) {
      meta.namespace = undefined;
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${this.nameSuffix()}`;
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    const now = this.now();
    meta.uid = this.newUid();
    meta.creationTimestamp = timestamp(now);
    if (rt.hasGeneration === false) delete meta.generation;
    else meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (meta.namespace === undefined) delete meta.namespace;
    rt.prepareForCreate?.(obj, this.context());
    if (rt.ephemeral) return obj;
    this.recordManagedFields(rt, undefined, obj, ctx);
    rt.admitOnCreate?.(obj);
    this.validate(rt, obj, undefined, decoded);
    if (rt.warnings) ctx.warnings?.push(...rt.warnings(obj, undefined));
    if (rt.namespaced && meta.namespace) this.checkNamespace(rt, meta.namespace, meta.name!);
    if (this.store.get(resourceKey(rt), meta.namespace, meta.name!))
      throw alreadyExists(this.gr(rt), meta.name!);
    for (const admit of this.admissions) admit('create', rt, obj);
    rt.defaultStored?.(obj);
    if (ctx.dryRun) return obj;
    return this.store.insert(resourceKey(rt), obj);
  }

  /**
   * Replaces an object (PUT), or its status (`subresource: 'status'`). A stale resourceVersion is a
   * 409 Conflict; an empty one is an unconditional update.
   */
  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    ctx: WriteContext & { subresource?: 'status' } = {},
  ): KObject {
    this.checkVerb(rt, 'update');
    const incoming = clone(this.checkBody(rt, body));
    const decoded = decodeWrite(rt, incoming, ctx);
    incoming.metadata = { ...(incoming.metadata ?? {}) };
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      rt.namespaced &&
      incoming.metadata.namespace &&
      namespace &&
      incoming.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const key = resourceKey(rt);
    const old = this.store.get(key, rt.namespaced ? namespace : undefined, name);
    if (!old) throw notFound(this.gr(rt), name);
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(this.gr(rt), name, OPTIMISTIC_LOCK_MESSAGE);
    return this.store_update(rt, old, incoming, { ...ctx, decoded });
  }

  /** The shared tail of update and patch: status rules, immutable metadata, generation, finalizers. */
  private store_update(
    rt: ResourceType,
    old: KObject,
    incoming: KObject,
    ctx: WriteContext & { subresource?: 'status'; wholeObject?: boolean; decoded?: FieldError[] },
  ): KObject {
    let next: KObject;
    if (ctx.subresource === 'status') {
      next = clone(old);
      if (incoming.status !== undefined) next.status = incoming.status;
      else delete next.status;
    } else {
      next = incoming;
      if (rt.hasStatus && !ctx.wholeObject) {
        if (old.status !== undefined) next.status = clone(old.status);
        else delete next.status;
      }
      // Fields only a subresource may change (a namespace's spec.finalizers: PUT …/finalize).
      for (const field of ctx.wholeObject ? [] : (rt.keptOnUpdate ?? [])) {
        if (old[field] !== undefined) next[field] = clone(old[field]);
        else delete next[field];
      }
    }
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    const meta = next.metadata;
    // Fields the server owns cannot be changed by writers.
    meta.name = old.metadata.name;
    if (rt.namespaced) meta.namespace = old.metadata.namespace;
    else delete meta.namespace;
    // BeforeUpdate keeps the uid only when the writer left it out; another one is immutable (the real
    // server reports it twice: the common metadata check and the strategy's).
    if (meta.uid && meta.uid !== old.metadata.uid) {
      const immutableUid: FieldError = {
        type: 'FieldValueInvalid',
        field: 'metadata.uid',
        value: meta.uid,
        detail: 'field is immutable',
      };
      throw invalid(rt.kind, rt.group, old.metadata.name ?? '', [immutableUid, immutableUid]);
    }
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.resourceVersion = old.metadata.resourceVersion;
    if (rt.hasGeneration === false) delete meta.generation;
    else meta.generation = old.metadata.generation;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (meta.generateName === undefined) delete meta.generateName;
    if (old.metadata.deletionTimestamp) {
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        // Reported twice, as the real server does (its common update check and the strategy's).
        const error: FieldError = {
          type: 'FieldValueForbidden',
          field: 'metadata.finalizers',
          detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        };
        throw invalid(rt.kind, rt.group, meta.name!, [error, error]);
      }
    }
    rt.prepareForUpdate?.(next, old, this.context());
    if (rt.hasGeneration !== false && specChanged(rt, old, next))
      meta.generation = (old.metadata.generation ?? 1) + 1;
    this.recordManagedFields(rt, old, next, ctx);
    this.validate(rt, next, old, ctx.decoded);
    if (rt.warnings && !ctx.subresource) ctx.warnings?.push(...rt.warnings(next, old));
    for (const admit of this.admissions) admit('update', rt, next, old);
    rt.defaultStored?.(next);
    if (ctx.dryRun) return next;
    if (sameJson(next, old)) return old; // a no-op write keeps its resourceVersion
    const key = resourceKey(rt);
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      !rt.retainOnDelete?.(next)
    ) {
      const graceLeft = next.metadata.deletionGracePeriodSeconds ?? 0;
      if (graceLeft === 0) {
        this.store.replace(key, next);
        return this.store.remove(key, next.metadata.namespace, next.metadata.name!)!;
      }
    }
    return this.store.replace(key, next);
  }

  /**
   * Applies a patch of the given type and stores the result. Apply patches go to ./apply.ts through
   * the `apply` hook; the others are computed here.
   */
  patch(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    ctx: WriteContext & { subresource?: 'status'; force?: boolean } = {},
  ): { object: KObject; created: boolean } {
    this.checkVerb(rt, 'patch');
    if (type === 'application/apply-patch+yaml') {
      if (!this.applyHandler)
        throw new StatusError(415, 'UnsupportedMediaType', 'server-side apply is not available');
      return this.applyHandler(this, rt, namespace, name, body, ctx);
    }
    if (ctx.force !== undefined) throw forbiddenForce();
    const key = resourceKey(rt);
    const old = this.store.get(key, rt.namespaced ? namespace : undefined, name);
    if (!old) throw notFound(this.gr(rt), name);
    const next = patchObject(type, old, body);
    // A patch may not rename or move the object (the same 400s as an update's).
    if (next.metadata?.name !== undefined && next.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    if (rt.namespaced && next.metadata?.namespace && namespace && next.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const decoded = decodePatched(rt, type, body, next, ctx);
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(this.gr(rt), name, OPTIMISTIC_LOCK_MESSAGE);
    return { object: this.store_update(rt, old, next, { ...ctx, decoded }), created: false };
  }

  /** Sets metadata.managedFields on an object about to be stored (see ./managed-fields.ts). */
  private recordManagedFields(
    rt: ResourceType,
    old: KObject | undefined,
    next: KObject,
    ctx: WriteContext & { subresource?: 'status' },
  ): void {
    const entries = ctx.managedFields
      ? ctx.managedFields(next)
      : recordUpdate(old, next, {
          manager: ctx.fieldManager || DEFAULT_FIELD_MANAGER,
          subresource: ctx.subresource,
          apiVersion: apiVersionOf(rt),
          time: timestamp(this.now()),
          hasStatus: !!rt.hasStatus,
          atomic: atomicOf(rt),
          zero: zeroOf(rt),
        });
    if (entries) next.metadata.managedFields = entries;
    else delete next.metadata.managedFields;
  }

  /** Server-side apply, installed by ./apply.ts. */
  applyHandler?: (
    api: Api,
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    ctx: WriteContext & { subresource?: 'status'; force?: boolean },
  ) => { object: KObject; created: boolean };

  /**
   * Writes a patched or applied object through the same rules as update (for ./apply.ts). Server-side
   * subresources (binding, eviction) pass `wholeObject` to change spec and status in one write.
   */
  storeUpdate(
    rt: ResourceType,
    old: KObject,
    next: KObject,
    ctx: WriteContext & { subresource?: 'status'; wholeObject?: boolean },
  ): KObject {
    return this.store_update(rt, old, next, ctx);
  }

  delete(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    this.checkVerb(rt, 'delete');
    const key = resourceKey(rt);
    const ns = rt.namespaced ? namespace : undefined;
    const old = this.store.get(key, ns, name);
    if (!old) throw notFound(this.gr(rt), name);
    // BeforeDelete's checks (apiserver pkg/registry/rest/delete.go): the preconditions, named by kind.
    const pre = options.preconditions;
    const byKind = { group: rt.group, resource: rt.kind };
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        byKind,
        name,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        byKind,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`,
      );
    }
    for (const admit of this.admissions) admit('delete', rt, old);
    const next = clone(old);
    const finalizers = [...(next.metadata.finalizers ?? [])];
    if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) {
      finalizers.push('foregroundDeletion');
    }
    // A negative grace period counts as 1 s, as BeforeDelete reads it.
    const requested =
      options.gracePeriodSeconds !== undefined && options.gracePeriodSeconds < 0
        ? 1
        : options.gracePeriodSeconds;
    const grace = rt.gracePeriodSeconds ? rt.gracePeriodSeconds(old, requested) : 0;
    const alreadyMarked = !!old.metadata.deletionTimestamp;
    if (finalizers.length === 0 && grace === 0 && !rt.retainOnDelete?.(old)) {
      if (options.dryRun) return { object: old, removed: true };
      return { object: this.store.remove(key, ns, name)!, removed: true };
    }
    rt.prepareForDelete?.(next);
    const now = this.now();
    const currentGrace = old.metadata.deletionGracePeriodSeconds;
    if (!alreadyMarked || (currentGrace !== undefined && grace < currentGrace)) {
      next.metadata.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
      next.metadata.deletionGracePeriodSeconds = grace;
    }
    if (finalizers.length > 0) next.metadata.finalizers = finalizers;
    if (options.dryRun) return { object: next, removed: false };
    if (sameJson(next, old)) return { object: old, removed: false };
    return { object: this.store.replace(key, next), removed: false };
  }

  deleteCollection(
    rt: ResourceType,
    namespace: string | undefined,
    listOptions: ListOptions,
    options: DeleteOptions = {},
  ): ObjectList {
    this.checkVerb(rt, 'deletecollection');
    const list = this.list(rt, namespace, {
      labelSelector: listOptions.labelSelector,
      fieldSelector: listOptions.fieldSelector,
    });
    const items: KObject[] = [];
    for (const item of list.items) {
      try {
        items.push(this.delete(rt, item.metadata.namespace, item.metadata.name!, options).object);
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return { ...list, items };
  }

  /**
   * Streams changes with the real server's resourceVersion semantics: unset or "0" replays the
   * current state as ADDED; a specific version resumes after it (410 Expired, as an ERROR event,
   * when it is older than the kept history); sendInitialEvents ends the replay with the
   * `k8s.io/initial-events-end` bookmark. Filtered watches turn objects leaving or entering the
   * selection into DELETED and ADDED.
   */
  watch(
    rt: ResourceType,
    namespace: string | undefined,
    options: WatchOptions,
    sink: (event: WatchEvent) => void,
  ): WatchHandle {
    this.checkVerb(rt, 'watch');
    const m = this.matcher(rt, namespace, options.labelSelector, options.fieldSelector);
    if (options.sendInitialEvents !== undefined && options.resourceVersionMatch !== 'NotOlderThan') {
      throw invalid('ListOptions', 'meta.k8s.io', '', [
        {
          type: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        },
      ]);
    }
    if (options.sendInitialEvents === undefined && options.resourceVersionMatch) {
      throw invalid('ListOptions', 'meta.k8s.io', '', [
        {
          type: 'FieldValueForbidden',
          field: 'resourceVersionMatch',
          detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        },
      ]);
    }
    const key = resourceKey(rt);
    let requested: number | undefined;
    const rvParam = options.resourceVersion;
    if (rvParam !== undefined && rvParam !== '' && rvParam !== '0') {
      requested = parseResourceVersion(rvParam, true);
      // A watch-list must see its version (the HTTP layer waited for it); a plain watch from a future
      // version just streams the changes after it, as the watch cache does.
      if (options.sendInitialEvents === true && requested > this.store.resourceVersion) {
        sink({
          type: 'ERROR',
          object: tooLargeResourceVersion(
            requested,
            this.store.resourceVersion,
          ).toStatus() as unknown as KObject,
        });
        return { stop: () => {} };
      }
    }
    const withKind = (obj: KObject): KObject => ({
      ...present(rt, obj),
      apiVersion: apiVersionOf(rt),
      kind: rt.kind,
    });
    let stopped = false;
    // With the WatchList feature (on in v1.36), a watch from no version or "0" that names neither
    // sendInitialEvents nor resourceVersionMatch is defaulted to sendInitialEvents=true
    // (SetListOptionsDefaults); the initial-events-end bookmark is sent only to a watch that allows
    // bookmarks (the cacher's isListWatchRequest).
    const legacyStart = rvParam === undefined || rvParam === '' || rvParam === '0';
    const sendInitialEvents =
      options.sendInitialEvents ?? (legacyStart && !options.resourceVersionMatch ? true : undefined);
    const replayState =
      sendInitialEvents === true || (requested === undefined && sendInitialEvents !== false);
    // sendInitialEvents=false from no version starts at the most recent one, without the state.
    const after = replayState ? 0 : (requested ?? this.store.resourceVersion);
    const deliver = (change: Change) => {
      if (stopped || change.rv <= after) return;
      const now = this.matches(rt, m, change.object);
      const before = change.previous ? this.matches(rt, m, change.previous) : false;
      if (change.type === 'ADDED' && now) sink({ type: 'ADDED', object: withKind(change.object) });
      else if (change.type === 'DELETED' && before)
        sink({ type: 'DELETED', object: withKind(change.object) });
      else if (change.type === 'MODIFIED') {
        if (now && before) sink({ type: 'MODIFIED', object: withKind(change.object) });
        else if (now) sink({ type: 'ADDED', object: withKind(change.object) });
        else if (before) sink({ type: 'DELETED', object: withKind(change.object) });
      }
    };
    if (replayState) {
      for (const obj of this.store.list(key, m.namespace)) {
        if (this.matches(rt, m, obj)) sink({ type: 'ADDED', object: withKind(obj) });
      }
      if (sendInitialEvents && options.allowWatchBookmarks) {
        sink({
          type: 'BOOKMARK',
          object: {
            kind: rt.kind,
            apiVersion: apiVersionOf(rt),
            metadata: {
              resourceVersion: String(this.store.resourceVersion),
              annotations: { 'k8s.io/initial-events-end': 'true' },
            },
          },
        });
      }
    } else {
      const changes = requested === undefined ? [] : this.store.changesSince(key, requested);
      if (!changes) {
        // The watch cache's words (apiserver pkg/storage/cacher/watch_cache.go): the asked version,
        // then the oldest one it can resume from.
        sink({
          type: 'ERROR',
          object: expired(
            `too old resource version: ${requested} (${this.store.oldestVersion(key)})`,
          ).toStatus() as unknown as KObject,
        });
        return { stop: () => {} };
      }
      for (const change of changes) deliver(change);
    }
    const unsubscribe = this.store.subscribe(key, deliver);
    return {
      stop: () => {
        stopped = true;
        unsubscribe();
      },
    };
  }

  /** A BOOKMARK event carrying the current resourceVersion, for long-lived watches. */
  bookmark(rt: ResourceType): WatchEvent {
    return {
      type: 'BOOKMARK',
      object: {
        kind: rt.kind,
        apiVersion: apiVersionOf(rt),
        metadata: { resourceVersion: String(this.store.resourceVersion) },
      },
    };
  }
}

/**
 * Decodes a patched object. Unknown fields a Strict patch brings are the patch's fault: the real
 * handler answers 422 on the field `patch`, quoting the patched object (for a strategic merge patch,
 * the patch as Go prints a map), with no kind or name (` "" is invalid: patch: Invalid value: …`).
 */
function decodePatched(
  rt: ResourceType,
  type: PatchType,
  patch: unknown,
  next: KObject,
  ctx: DecodeOptions,
): FieldError[] {
  try {
    return decodeWrite(rt, next, ctx);
  } catch (err) {
    const strict =
      err instanceof StatusError && err.code === 400
        ? /: (strict decoding error: .*)$/s.exec(err.message)
        : null;
    if (!strict) throw err;
    const value = type === 'application/strategic-merge-patch+json' ? goPrint(patch) : canonicalJson(next);
    throw invalid('', '', '', [{ type: 'FieldValueInvalid', field: 'patch', value, detail: strict[1] }]);
  }
}

/** A decoded JSON value as Go's %v prints it (`map[dataa:map[x:1]]`). */
function goPrint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goPrint((value as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return value === null ? '<nil>' : String(value);
}

/** A stored object as the resource serves it (views and other versions convert). */
function present(rt: ResourceType, obj: KObject): KObject {
  return rt.convert ? rt.convert(obj) : obj;
}

function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

function specChanged(rt: ResourceType, old: KObject, next: KObject): boolean {
  const ignore = new Set(['metadata', 'status', 'apiVersion', 'kind', ...(rt.generationIgnores ?? [])]);
  const strip = (o: KObject) => Object.fromEntries(Object.entries(o).filter(([k]) => !ignore.has(k)));
  return !sameJson(strip(old), strip(next));
}
