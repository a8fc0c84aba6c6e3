/**
 * A watch cache for one (resource, namespace, selector), in the manner of client-go's reflector:
 * list, then watch from the list's resourceVersion with bookmarks, relist on 410 Expired,
 * reconnect with backoff when a watch drops, and fall back to polling when watching keeps failing.
 * Every change is appended to the object's trajectory and announced to listeners synchronously,
 * so a state that lasts a few milliseconds is seen by every assertion sharing the cache.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClassifiedError, Connection } from '../client/index.ts';
import { classifyError, outsideCallScope } from '../client/index.ts';
import { apiVersionOf, collectionPath, type ResourceKind } from './resource.ts';
import { type EntrySource, type EntryType, entryOf, Trajectory, type TrajectoryEntry } from './trajectory.ts';

export interface Selector {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchCacheOptions {
  /** Interval of the polling fallback (ms). Default 1000. */
  pollIntervalMs?: number;
  /** Consecutive watch failures (without any event in between) before polling. Default 3. */
  watchFailuresBeforePolling?: number;
  /** While polling, try watching again every this many polls. Default 5. */
  pollsBetweenWatchRetries?: number;
  /** First reconnect delay (ms), doubled per consecutive failure up to 5 s. Default 100. */
  reconnectDelayMs?: number;
  /** Entries kept per object. Default 500. */
  trajectoryLimit?: number;
}

/** A change to one object; `undefined` is sent when the cache itself changes (synced, failed). */
export interface CacheChange<T extends KubernetesObject = KubernetesObject> {
  key: string;
  entry: TrajectoryEntry<T>;
}

export type CacheListener<T extends KubernetesObject> = (change: CacheChange<T> | undefined) => void;

export type CacheMode = 'starting' | 'watching' | 'reconnecting' | 'polling' | 'closed';

/** Counters tests and benchmarks read. */
export interface CacheStats {
  lists: number;
  watches: number;
  relists: number;
  reconnects: number;
  polls: number;
  events: number;
}

interface ListShape<T> {
  metadata?: { resourceVersion?: string };
  items: T[];
}

export class WatchCache<T extends KubernetesObject = KubernetesObject> {
  readonly resource: ResourceKind;
  readonly namespace: string | undefined;
  readonly selector: Selector;
  mode: CacheMode = 'starting';
  /** A final error: the cache cannot observe (missing namespace, forbidden list…). */
  finalError: ClassifiedError | undefined;
  /** The latest transient error (a dropped watch, a 503 on list…), for failure messages. */
  lastError: { at: number; error: ClassifiedError } | undefined;
  readonly stats: CacheStats = { lists: 0, watches: 0, relists: 0, reconnects: 0, polls: 0, events: 0 };
  synced = false;
  /** The list (or namespace check) request in flight, if any: a server that never answers shows here. */
  pending: { operation: string; since: number } | undefined;

  private readonly conn: Connection;
  private readonly options: Required<WatchCacheOptions>;
  private readonly objects = new Map<string, T>();
  private readonly trajectories = new Map<string, Trajectory<T>>();
  private readonly listeners = new Set<CacheListener<T>>();
  private seq = 0;
  private resourceVersion: string | undefined;
  private controller: AbortController | undefined;
  /** Aborted when the cache closes: every request it makes carries this signal. */
  private readonly life = new AbortController();
  private namespaceChecked = false;
  private namespaceFailures = 0;
  private watchGeneration = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private pollCount = 0;
  private watchStartedAt = 0;
  /** Whether the current watch got its response (or an event): ends after that may be routine. */
  private watchOpened = false;
  private watchEvents = 0;
  /** Consecutive routine ends of watches that lived under a second without an event. */
  private quickEnds = 0;
  private refs = 0;
  private untrack: () => void = () => {};
  private readonly onEmpty: () => void;

  constructor(
    conn: Connection,
    resource: ResourceKind,
    namespace: string | undefined,
    selector: Selector,
    options: WatchCacheOptions = {},
    onEmpty: () => void = () => {},
  ) {
    this.conn = conn;
    this.resource = resource;
    this.namespace = resource.namespaced ? namespace : undefined;
    this.selector = selector;
    this.onEmpty = onEmpty;
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      watchFailuresBeforePolling: options.watchFailuresBeforePolling ?? 3,
      pollsBetweenWatchRetries: options.pollsBetweenWatchRetries ?? 5,
      reconnectDelayMs: options.reconnectDelayMs ?? 100,
      trajectoryLimit: options.trajectoryLimit ?? 500,
    };
  }

  /** What this cache watches, e.g. `pods in default` or `pods in default with app=db`. */
  get description(): string {
    const where = this.namespace ? ` in ${this.namespace}` : '';
    const sel = [this.selector.labelSelector, this.selector.fieldSelector].filter(Boolean).join(',');
    return `${this.resource.plural}${where}${sel ? ` with ${sel}` : ''}`;
  }

  /** The latest sequence number: entries after it are news to whoever reads it now. */
  get currentSeq(): number {
    return this.seq;
  }

  /** The resourceVersion the cache is up to: of its last list, watch event or bookmark. */
  get resourceVersionSeen(): string | undefined {
    return this.resourceVersion;
  }

  /**
   * Whether the cache's state of `key` is at least as new as `read`, an object (or its absence)
   * just read from the server: every change up to the read has been delivered for that key.
   */
  hasSeen(key: string, read: T | undefined): boolean {
    const entries = this.trajectories.get(key)?.entries ?? [];
    const latest = entries[entries.length - 1];
    if (!read) return !this.objects.has(key);
    return latest !== undefined && isAtLeast(latest.resourceVersion, read.metadata?.resourceVersion);
  }

  /**
   * Whether the cache has delivered every change a list read with resourceVersion `rv` reflects:
   * its watch went past `rv`, or each object read is seen and each other object cached is newer.
   */
  hasSeenList(read: { resourceVersion: string | undefined; items: readonly T[] }): boolean {
    if (isAtLeast(this.resourceVersion, read.resourceVersion)) return true;
    const keys = new Set<string>();
    for (const item of read.items) {
      const key = this.keyOf(item);
      keys.add(key);
      if (!this.hasSeen(key, item)) return false;
    }
    for (const [key, obj] of this.objects) {
      if (!keys.has(key) && !isNewer(obj.metadata?.resourceVersion, read.resourceVersion)) return false;
    }
    return true;
  }

  /** Reads one object from the server (undefined when it does not exist), under `signal`. */
  async read(name: string, signal: AbortSignal): Promise<T | undefined> {
    const r = this.resource;
    const obj = await this.conn.find(
      `get ${r.kind.toLowerCase()} ${this.namespace ? `${this.namespace}/` : ''}${name}`,
      () =>
        this.conn.objects.read({
          apiVersion: apiVersionOf(r),
          kind: r.kind,
          metadata: { name, ...(this.namespace ? { namespace: this.namespace } : {}) },
        }),
      { namespace: this.namespace, signal, policy: { retries: 1, minDelayMs: 100, maxDelayMs: 500 } },
    );
    return obj === undefined ? undefined : (JSON.parse(JSON.stringify(obj)) as T);
  }

  /** Lists what this cache watches from the server, under `signal`: its resourceVersion and items. */
  async readList(signal: AbortSignal): Promise<{ resourceVersion: string | undefined; items: T[] }> {
    const list = await this.fetchList(signal, { retries: 1, minDelayMs: 100, maxDelayMs: 500 });
    return { resourceVersion: list.metadata?.resourceVersion, items: list.items };
  }

  /**
   * Resolves true once `caughtUp()` holds (checked now, after every change, and every 50 ms for
   * bookmarks); false when `signal` aborts or the cache closes first.
   */
  whenCaughtUp(caughtUp: () => boolean, signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let unsubscribe = () => {};
      const interval = setInterval(() => check(), 50);
      const end = (value: boolean) => {
        clearInterval(interval);
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => end(false);
      const check = () => {
        if (this.mode === 'closed' || this.finalError) end(false);
        else if (caughtUp()) end(true);
      };
      if (signal.aborted) return end(false);
      signal.addEventListener('abort', onAbort, { once: true });
      unsubscribe = this.subscribe(check);
      check();
    });
  }

  /** Takes a reference; the cache starts on the first one. */
  acquire(): this {
    if (this.mode === 'closed') throw new Error(`the watch cache for ${this.description} is closed`);
    this.refs++;
    if (this.refs === 1 && this.stats.lists === 0 && this.mode === 'starting') {
      this.untrack = this.conn.track(this);
      // The cache serves later waits too: its requests must not inherit this wait's deadline.
      outsideCallScope(() => void this.start());
    }
    return this;
  }

  /** Drops a reference; the last one closes the cache and its watch. */
  release(): void {
    if (this.refs === 0) return;
    this.refs--;
    if (this.refs === 0) this.close();
  }

  get references(): number {
    return this.refs;
  }

  subscribe(listener: CacheListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The object under a key (its name; `namespace/name` for an all-namespaces cache), if it exists. */
  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Every object the cache holds, sorted by key. */
  list(): T[] {
    return [...this.objects.keys()].sort().map((k) => this.objects.get(k)!);
  }

  /** The trajectory of a key; one that does not exist yet starts with an ABSENT entry. */
  trajectory(key: string): Trajectory<T> {
    let t = this.trajectories.get(key);
    if (!t) {
      t = new Trajectory<T>(this.options.trajectoryLimit);
      if (this.synced) t.push(entryOf<T>(++this.seq, 'ABSENT', 'list', undefined));
      this.trajectories.set(key, t);
    }
    return t;
  }

  keyOf(obj: KubernetesObject): string {
    const name = obj.metadata?.name ?? '';
    return this.resource.namespaced && !this.namespace ? `${obj.metadata?.namespace ?? ''}/${name}` : name;
  }

  /** Closes the watch and timers; listeners get a last notification. Idempotent. */
  close(): void {
    if (this.mode === 'closed') return;
    this.mode = 'closed';
    this.watchGeneration++;
    this.controller?.abort();
    this.controller = undefined;
    this.life.abort(new Error(`the watch cache for ${this.description} was closed`));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.untrack();
    this.onEmpty();
    this.notify(undefined);
  }

  private notify(change: CacheChange<T> | undefined): void {
    for (const l of [...this.listeners]) l(change);
  }

  private record(error: ClassifiedError, operation: string): void {
    this.lastError = { at: Date.now(), error };
    this.conn.recordError(operation, error);
  }

  private fail(error: ClassifiedError): void {
    this.finalError = error;
    this.watchGeneration++;
    this.controller?.abort();
    if (this.timer) clearTimeout(this.timer);
    this.notify(undefined);
  }

  /** Applies one change; announces it unless `quiet` (a relist announces its batch once it is whole). */
  private apply(type: EntryType, obj: T, via: EntrySource, quiet = false): CacheChange<T> | undefined {
    const key = this.keyOf(obj);
    const previous = this.objects.get(key);
    if (type === 'DELETED') {
      this.objects.delete(key);
    } else {
      if (previous && previous.metadata?.resourceVersion === obj.metadata?.resourceVersion) return undefined;
      this.objects.set(key, obj);
    }
    const entry = entryOf<T>(++this.seq, type, via, obj);
    const t = this.trajectories.get(key) ?? this.trajectory(key);
    t.push(entry);
    const change = { key, entry };
    if (!quiet) this.notify(change);
    return change;
  }

  private async start(): Promise<void> {
    // Listing a namespace that does not exist answers an empty list: check it, to fail fast.
    if (this.resource.namespaced && this.namespace && !this.namespaceChecked) {
      const name = this.namespace;
      const operation = `get namespace ${name} for ${this.description}`;
      try {
        this.pending = { operation, since: Date.now() };
        const ns = await this.conn
          .find(operation, () => this.conn.core.readNamespace({ name }), {
            signal: this.life.signal,
            policy: { retries: 0 },
          })
          .finally(() => {
            this.pending = undefined;
          });
        if (this.mode === 'closed') return;
        this.namespaceChecked = true;
        if (!ns) {
          this.fail({
            class: 'final',
            status: 404,
            reason: 'NotFound',
            missingNamespace: this.namespace,
            message: `namespace "${this.namespace}" does not exist; create it first or check the name`,
          });
          return;
        }
      } catch (err) {
        if (this.mode === 'closed') return;
        const status = (err as { status?: number }).status;
        const classified = errorOfKubeApiError(err, status);
        // Not allowed to read namespaces (common RBAC): the list below is the real test.
        if (status === 403) this.namespaceChecked = true;
        else if (classified.class === 'final') {
          this.fail(classified);
          return;
        } else {
          // A server that is down or slow now may answer later: try again while anyone waits.
          this.namespaceFailures++;
          const delay = Math.min(this.options.reconnectDelayMs * 2 ** (this.namespaceFailures - 1), 2000);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.start();
          }, delay);
          return;
        }
      }
    }
    await this.relist('list');
    if (this.mode === 'closed' || this.finalError) return;
    if (this.synced) this.startWatch();
  }

  private async fetchList(
    signal: AbortSignal = this.life.signal,
    policy: { retries: number; minDelayMs: number; maxDelayMs: number } = {
      retries: 2,
      minDelayMs: 100,
      maxDelayMs: 1000,
    },
  ): Promise<ListShape<T>> {
    const r = this.resource;
    return this.conn.call(
      `list ${this.description}`,
      async () => {
        const list = await this.conn.objects.list(
          apiVersionOf(r),
          r.kind,
          this.namespace,
          undefined,
          undefined,
          undefined,
          this.selector.fieldSelector,
          this.selector.labelSelector,
        );
        // client-node returns typed models (Dates); the cache holds JSON like the watch sends.
        return JSON.parse(JSON.stringify(list)) as ListShape<T>;
      },
      {
        namespace: this.namespace,
        signal,
        policy,
      },
    );
  }

  /** Lists and reconciles the cache with the result; returns false when the list failed. */
  private async relist(via: EntrySource): Promise<boolean> {
    if (via === 'list') this.stats.lists++;
    else if (via === 'relist') this.stats.relists++;
    else this.stats.polls++;
    let list: ListShape<T>;
    try {
      this.pending = { operation: `list ${this.description}`, since: Date.now() };
      list = await this.fetchList().finally(() => {
        this.pending = undefined;
      });
    } catch (err) {
      if (this.mode === 'closed') return false;
      const status = (err as { status?: number }).status;
      const classified = errorOfKubeApiError(err, status);
      if (classified.class === 'final') {
        this.fail(classified);
        return false;
      }
      this.record(classified, `list ${this.description}`);
      this.schedulePoll();
      return false;
    }
    if (this.mode === 'closed') return false;
    const first = !this.synced;
    this.resourceVersion = list.metadata?.resourceVersion;
    // Apply the whole list before announcing anything: a half-applied list is not a state the
    // cluster was ever in (a set matcher would see some pods and not others).
    const seen = new Set<string>();
    const changes: CacheChange<T>[] = [];
    for (const item of list.items) {
      const key = this.keyOf(item);
      seen.add(key);
      const had = this.objects.has(key);
      const change = this.apply(first ? 'LISTED' : had ? 'MODIFIED' : 'ADDED', item, via, true);
      if (change) changes.push(change);
    }
    for (const [key, obj] of [...this.objects]) {
      if (seen.has(key)) continue;
      const change = this.apply('DELETED', obj, via, true);
      if (change) changes.push(change);
    }
    if (!first) for (const change of changes) this.notify(change);
    if (first) {
      this.synced = true;
      // Keys asked for before the first list learn now that their object is absent.
      for (const [key, t] of this.trajectories) {
        if (t.entries.length === 0 && !this.objects.has(key))
          t.push(entryOf<T>(++this.seq, 'ABSENT', 'list', undefined));
      }
      this.notify(undefined);
    }
    return true;
  }

  private startWatch(): void {
    if (this.mode === 'closed' || this.finalError) return;
    const generation = ++this.watchGeneration;
    this.stats.watches++;
    const path = collectionPath(this.resource, this.namespace);
    const operation = `watch ${this.description}`;
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      labelSelector: this.selector.labelSelector,
      fieldSelector: this.selector.fieldSelector,
    };
    const current = () => generation === this.watchGeneration && this.mode !== 'closed';
    this.watchStartedAt = Date.now();
    this.watchOpened = false;
    this.watchEvents = 0;
    const controller = new AbortController();
    this.controller = controller;
    this.conn
      .watch(
        path,
        query,
        (type: string, object: unknown) => {
          const obj = object as T;
          if (!current()) return;
          this.watchOpened = true;
          this.watchEvents++;
          if (this.mode !== 'watching') {
            if (this.timer) clearTimeout(this.timer);
            this.timer = undefined;
            this.mode = 'watching';
          }
          if (type === 'ERROR') {
            this.onWatchEnd(classifyError(obj, this.namespace), operation);
            return;
          }
          this.failures = 0;
          const rv = obj?.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (type === 'BOOKMARK') return;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
            this.stats.events++;
            this.apply(type, obj, 'watch');
          }
        },
        (err: unknown) => {
          if (!current()) return;
          if (isRoutineEnd(err, this.watchOpened)) {
            this.onRoutineEnd();
            return;
          }
          this.onWatchEnd(classifyError(err, this.namespace), operation);
        },
        {
          signal: AbortSignal.any([this.life.signal, controller.signal]),
          ...(this.conn.retryPolicy.requestTimeoutMs !== undefined
            ? { responseTimeoutMs: this.conn.retryPolicy.requestTimeoutMs }
            : {}),
        },
      )
      .then(
        () => {
          if (!current()) {
            controller.abort();
            return;
          }
          this.watchOpened = true;
          this.mode = 'watching';
          if (this.timer) clearTimeout(this.timer);
          this.timer = undefined;
        },
        (err: unknown) => {
          if (current()) this.onWatchEnd(classifyError(err, this.namespace), operation);
        },
      );
  }

  /**
   * An open watch ended the ordinary way: the server closed the stream, or client-node 2.x aborted
   * it with a TimeoutError (30 s without data). Nothing is wrong, so resume from the last
   * resourceVersion at once: no relist, no error recorded, no gap in the trajectory. Watches that
   * keep ending within a second without an event back off, so a server that closes every stream
   * at once is not hammered, and after `watchFailuresBeforePolling` of them the cache polls.
   */
  private onRoutineEnd(): void {
    this.watchGeneration++;
    this.controller?.abort();
    this.controller = undefined;
    const healthy = this.watchEvents > 0 || Date.now() - this.watchStartedAt >= 1000;
    this.quickEnds = healthy ? 0 : this.quickEnds + 1;
    if (healthy) this.failures = 0;
    if (this.quickEnds >= this.options.watchFailuresBeforePolling) {
      // Watches that never last cannot be trusted to deliver changes: poll, as for failures.
      this.quickEnds = 0;
      this.record(
        { class: 'transient', reason: 'WatchClosed', message: 'every watch ended at once, without an event' },
        `watch ${this.description}`,
      );
      this.mode = 'polling';
      this.schedulePoll();
      return;
    }
    this.mode = 'reconnecting';
    this.stats.reconnects++;
    if (this.quickEnds === 0) {
      this.startWatch();
      return;
    }
    const delay = Math.min(this.options.reconnectDelayMs * 2 ** (this.quickEnds - 1), 5000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWatch();
    }, delay);
  }

  private onWatchEnd(error: ClassifiedError, operation: string): void {
    if (this.mode === 'closed') return;
    // Whatever this watch still delivers is stale from now on.
    this.watchGeneration++;
    this.controller?.abort();
    this.controller = undefined;
    if (error.status === 410) {
      // The resourceVersion is too old: relist, then watch from the new list.
      this.record(error, operation);
      void this.relist('relist').then((ok) => {
        if (ok) this.startWatch();
      });
      return;
    }
    this.record(error, operation);
    // A watch that stayed open a while was healthy; only quick successive failures count.
    if (Date.now() - this.watchStartedAt > 5000) this.failures = 0;
    this.failures++;
    if (error.class === 'final' || this.failures >= this.options.watchFailuresBeforePolling) {
      this.mode = 'polling';
      this.schedulePoll();
      return;
    }
    this.mode = 'reconnecting';
    this.stats.reconnects++;
    const delay = Math.max(
      error.retryAfterMs ?? 0,
      Math.min(this.options.reconnectDelayMs * 2 ** (this.failures - 1), 5000),
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWatch();
    }, delay);
  }

  private schedulePoll(): void {
    if (this.mode === 'closed' || this.finalError || this.timer) return;
    if (this.synced) this.mode = 'polling';
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      const wasSynced = this.synced;
      const ok = await this.relist(wasSynced ? 'poll' : 'list');
      if (this.mode === 'closed' || this.finalError || this.mode === 'watching') return;
      if (ok && !wasSynced) {
        // The first list finally worked: watch as usual.
        this.startWatch();
        return;
      }
      this.pollCount++;
      if (ok && this.pollCount % this.options.pollsBetweenWatchRetries === 0) this.startWatch();
      this.schedulePoll();
    }, this.options.pollIntervalMs);
  }
}

/** Whether resourceVersion `a` is at or past `b`: compared as numbers (etcd's), else only equal ones count. */
function isAtLeast(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b);
  return a === b;
}

function isNewer(a: string | undefined, b: string | undefined): boolean {
  return isAtLeast(a, b) && a !== b;
}

/**
 * A clean end of stream (client-node reports one only after a 200), or client-node 2.x's
 * client-side timeout of a watch that had opened (before that, a timeout is a real failure).
 */
function isRoutineEnd(err: unknown, opened: boolean): boolean {
  return !err || (opened && (err as { name?: unknown }).name === 'TimeoutError');
}

/** What a failed call means to the cache: retries that ran out are transient, anything else final. */
function errorOfKubeApiError(err: unknown, status: number | undefined): ClassifiedError {
  // By name rather than instanceof, so a KubeApiError from another copy of the client module counts too.
  const classified = (err as { name?: string; classified?: ClassifiedError } | undefined)?.classified;
  if ((err as { name?: string } | undefined)?.name === 'KubeApiError' && classified) {
    const { class: kind, reason, message } = classified;
    return { class: kind === 'transient' ? 'transient' : 'final', status, reason, message };
  }
  return classifyError(err);
}
