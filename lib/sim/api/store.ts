/**
 * The versioned in-memory store behind every resource: one cluster-wide, monotonically increasing
 * resourceVersion (like etcd's revision), a bounded change log for watches that resume from a
 * version, and fan-out to live watchers. It knows nothing of kinds; the Api layer adds semantics.
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
  /** How many changes the log keeps for resuming watches; older versions answer 410 Expired. */
  historySize?: number;
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class Store {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly log: Change[] = [];
  private readonly historySize: number;
  private readonly listeners = new Map<string, Set<ChangeListener>>();

  constructor(options: StoreOptions = {}) {
    this.historySize = options.historySize ?? 20_000;
  }

  /** The current cluster-wide resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest version a watch can resume from without 410 Expired. */
  get oldestResumableVersion(): number {
    return this.log.length === 0 ? this.revision : this.log[0]!.rv - 1;
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
    this.log.push(change);
    if (this.log.length > this.historySize) this.log.splice(0, this.log.length - this.historySize);
    const listeners = this.listeners.get(change.resource);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(change);
  }

  /** Changes to a resource strictly after `rv`, oldest first; undefined when `rv` is older than the log. */
  changesSince(resource: string, rv: number): Change[] | undefined {
    if (rv < this.oldestResumableVersion) return undefined;
    return this.log.filter((c) => c.rv > rv && c.resource === resource);
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
