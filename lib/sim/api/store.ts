/**
 * The versioned in-memory store behind every resource: one cluster-wide, monotonically increasing
 * resourceVersion (like etcd's revision), a bounded change log per resource (like the API server's
 * watch cache) for watches that resume from a version and for lists served at a past version, and
 * fan-out to live watchers. It knows nothing of kinds; the Api layer adds semantics.
 */
import { clone, type KObject } from './types.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  /** The resource this change belongs to, e.g. `/v1/pods` or `apps/v1/daemonsets`. */
  resource: string;
  type: ChangeType;
  rv: number;
  object: KObject;
  /** The object before this change (absent for ADDED). Filtered watches need it. */
  previous?: KObject;
}

export type ChangeListener = (change: Change) => void;

export interface StoreOptions {
  /** Most changes the log keeps per resource; older versions answer 410 Expired. Default 20,000. */
  historySize?: number;
  /**
   * How long a change stays resumable once its resource has more than a hundred newer ones. Default
   * 75 s, the watch cache's event freshness window (apiserver pkg/storage/cacher: capacity from 100,
   * events younger than DefaultEventFreshDuration are never evicted, older ones are when it is full).
   */
  historyWindowMs?: number;
  /** Clock for the window, in milliseconds. Default Date.now. */
  now?: () => number;
}

/** Changes always kept per resource, however old (the watch cache's lower-bound capacity). */
const MIN_HISTORY = 100;

interface ResourceLog {
  /** Changes newer than `floor`, oldest first. */
  changes: Change[];
  /** The newest version whose change was dropped: a resume from an older version is impossible. */
  floor: number;
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class Store {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly logs = new Map<string, ResourceLog>();
  private readonly historySize: number;
  private readonly historyWindowMs: number;
  private readonly now: () => number;
  private readonly recordedAt = new WeakMap<Change, number>();
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private revisionWaiters: { rv: number; resolve: () => void }[] = [];

  constructor(options: StoreOptions = {}) {
    this.historySize = options.historySize ?? 20_000;
    this.historyWindowMs = options.historyWindowMs ?? 75_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.historySize) || this.historySize < 1) {
      throw new TypeError(
        `Store: historySize must be a whole number ≥ 1, got ${String(options.historySize)}`,
      );
    }
    if (!(this.historyWindowMs >= 0)) {
      throw new TypeError(`Store: historyWindowMs must be ≥ 0, got ${String(options.historyWindowMs)}`);
    }
  }

  /** The current cluster-wide resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest version of a resource a watch can resume from, or a list be served at, without 410 Expired. */
  oldestVersion(resource: string): number {
    return this.logs.get(resource)?.floor ?? 0;
  }

  /** Resolves true once the store reaches `rv`, or false after `timeoutMs`. */
  waitForRevision(rv: number, timeoutMs: number): Promise<boolean> {
    if (this.revision >= rv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        rv,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.revisionWaiters = this.revisionWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.revisionWaiters.push(waiter);
    });
  }

  private bucket(resource: string): Map<string, KObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const obj = this.objects.get(resource)?.get(objectKey(namespace, name));
    return obj ? clone(obj) : undefined;
  }

  /** Objects of a resource, optionally in one namespace, sorted by namespace then name like etcd keys. */
  list(resource: string, namespace?: string): KObject[] {
    const b = this.objects.get(resource);
    if (!b) return [];
    const keys = [...b.keys()].sort();
    const out: KObject[] = [];
    for (const key of keys) {
      const obj = b.get(key)!;
      if (namespace && obj.metadata.namespace !== namespace) continue;
      out.push(clone(obj));
    }
    return out;
  }

  count(resource: string): number {
    return this.objects.get(resource)?.size ?? 0;
  }

  /** Inserts a new object, stamping the next resourceVersion. The caller has checked it is absent. */
  insert(resource: string, obj: KObject): KObject {
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(objectKey(stored.metadata.namespace, stored.metadata.name!), stored);
    this.record({ resource, type: 'ADDED', rv: this.revision, object: stored });
    return clone(stored);
  }

  /** Replaces an existing object, stamping the next resourceVersion. */
  replace(resource: string, obj: KObject): KObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const previous = this.bucket(resource).get(key);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(key, stored);
    this.record({ resource, type: 'MODIFIED', rv: this.revision, object: stored, previous });
    return clone(stored);
  }

  /** Removes an object; the DELETED event carries its last state with a fresh resourceVersion. */
  remove(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const b = this.objects.get(resource);
    const key = objectKey(namespace, name);
    const previous = b?.get(key);
    if (!b || !previous) return undefined;
    b.delete(key);
    const last = clone(previous);
    last.metadata.resourceVersion = String(++this.revision);
    this.record({ resource, type: 'DELETED', rv: this.revision, object: last, previous });
    return clone(last);
  }

  /** Drops every object of a resource (a CRD was deleted), with DELETED events. */
  removeAll(resource: string): void {
    for (const obj of this.list(resource)) this.remove(resource, obj.metadata.namespace, obj.metadata.name!);
  }

  private record(change: Change): void {
    let log = this.logs.get(change.resource);
    if (!log) {
      log = { changes: [], floor: 0 };
      this.logs.set(change.resource, log);
    }
    const now = this.now();
    this.recordedAt.set(change, now);
    log.changes.push(change);
    const keep = Math.min(MIN_HISTORY, this.historySize);
    let drop = Math.max(0, log.changes.length - this.historySize);
    while (
      log.changes.length - drop > keep &&
      now - (this.recordedAt.get(log.changes[drop]!) ?? now) > this.historyWindowMs
    ) {
      drop++;
    }
    if (drop > 0) {
      log.floor = log.changes[drop - 1]!.rv;
      log.changes.splice(0, drop);
    }
    if (this.revisionWaiters.length > 0) {
      const ready = this.revisionWaiters.filter((w) => w.rv <= this.revision);
      this.revisionWaiters = this.revisionWaiters.filter((w) => w.rv > this.revision);
      for (const w of ready) w.resolve();
    }
    const listeners = this.listeners.get(change.resource);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(change);
  }

  /** Changes to a resource strictly after `rv`, oldest first; undefined when `rv` is older than the log. */
  changesSince(resource: string, rv: number): Change[] | undefined {
    if (rv < this.oldestVersion(resource)) return undefined;
    return (this.logs.get(resource)?.changes ?? []).filter((c) => c.rv > rv);
  }

  /**
   * The objects of a resource as they were at version `rv` (the current ones with every later change
   * undone), sorted like list; undefined when the log no longer reaches back to `rv`.
   */
  listAt(resource: string, rv: number, namespace?: string): KObject[] | undefined {
    const later = this.changesSince(resource, rv);
    if (!later) return undefined;
    if (later.length === 0 || rv >= this.revision) return this.list(resource, namespace);
    const state = new Map<string, KObject>();
    for (const [key, obj] of this.objects.get(resource) ?? []) state.set(key, obj);
    for (let i = later.length - 1; i >= 0; i--) {
      const c = later[i]!;
      const key = objectKey(c.object.metadata.namespace, c.object.metadata.name!);
      if (c.type === 'ADDED') state.delete(key);
      else if (c.previous) state.set(key, c.previous);
    }
    const out: KObject[] = [];
    for (const key of [...state.keys()].sort()) {
      const obj = state.get(key)!;
      if (namespace && obj.metadata.namespace !== namespace) continue;
      out.push(clone(obj));
    }
    return out;
  }

  /** Subscribes to live changes of one resource. Returns the unsubscribe function. */
  subscribe(resource: string, listener: ChangeListener): () => void {
    let set = this.listeners.get(resource);
    if (!set) {
      set = new Set();
      this.listeners.set(resource, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }
}
