/**
 * What an assertion watches: one named object, or the set a label selector picks. Both sit on a
 * shared watch cache and hand the engine a state at every change, plus what a failure message
 * needs (the trajectory table, the last API error, related events).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { type ClassifiedError, type Connection, describeRecordedError } from '../client/index.ts';
import { formatDuration } from '../timeouts/index.ts';
import {
  acquireCache,
  entryOf,
  formatEntry,
  formatTrajectory,
  noun,
  type ResourceKind,
  type Selector,
  type TrajectoryEntry,
  type WatchCache,
} from '../observe/index.ts';

/** The state of one named object at one moment, with its history since the wait began. */
export interface ObjectState<T extends KubernetesObject = KubernetesObject> {
  readonly namespace: string | undefined;
  readonly name: string;
  /** The object now, or undefined when it does not exist. */
  readonly object: T | undefined;
  /** The entry being judged: the change that produced this state. */
  readonly entry: TrajectoryEntry<T>;
  /** Every state since the wait began, oldest first; the first one is the state it began in. */
  readonly history: readonly TrajectoryEntry<T>[];
  /** A snapshot taken before an action (e.g. a pod before its node was drained), when given. */
  readonly baseline: T | undefined;
}

/** The state of a label-selected set at one moment. */
export interface SetState<T extends KubernetesObject = KubernetesObject> {
  readonly namespace: string | undefined;
  readonly selector: Selector;
  /** Every object the selector picks now, sorted by name. */
  readonly objects: readonly T[];
  /** The change that produced this state (undefined for the initial state). */
  readonly changed: { key: string; entry: TrajectoryEntry<T> } | undefined;
}

export interface Observation<S> {
  /** e.g. `pod default/web-0`, `pods in default with app=db`. */
  readonly subject: string;
  readonly synced: boolean;
  readonly finalError: ClassifiedError | undefined;
  /** True once the underlying cache was closed under the wait (the connection was closed). */
  readonly closed?: boolean;
  /** The current state (only meaningful once synced). */
  state(): S;
  /** Calls `onState` with the state after every change, synchronously; and with no state when the cache itself changed. */
  subscribe(onState: (state: S | undefined) => void): () => void;
  /** One line for the current state, e.g. `Pending, unscheduled, uid 1a2b3c4d, PodScheduled=False:Unschedulable`. */
  describe(state: S): string;
  /** The compact trajectory since the wait began. */
  trajectory(origin: number): string;
  /** The last API error recorded since `since`, if any. */
  lastError(since: number): string | undefined;
  /** Latest related events, newest last. */
  events(limit: number): Promise<string[]>;
  /**
   * Catches up with the server at a deadline: reads the current state (under `signal`), then waits
   * until the cache has delivered every change up to that read, each announced to subscribers as
   * usual. Resolves to undefined once caught up, or to the state read when the watch could not
   * catch up before `signal` aborted. Rejects when the read fails.
   */
  catchUp(signal: AbortSignal): Promise<S | undefined>;
  close(): void;
}

function formatEvents(
  events: import('@kubernetes/client-node').CoreV1Event[],
  limit: number,
  prefix = '',
): string[] {
  return events.slice(-limit).map((e) => {
    const count = e.count && e.count > 1 ? ` (x${e.count})` : '';
    return `${prefix}${e.type ?? 'Normal'} ${e.reason ?? ''}${count}: ${(e.message ?? '').trim()}`;
  });
}

/** A one-line description of an object's state for messages. */
export function describeObject(obj: KubernetesObject | undefined, entry?: TrajectoryEntry): string {
  if (!obj) return 'does not exist';
  const e = entry ?? undefined;
  const o = obj as { spec?: { nodeName?: string }; status?: { phase?: string } };
  const parts: string[] = [];
  if (o.status?.phase) parts.push(o.status.phase);
  if ('nodeName' in (o.spec ?? {}) || o.status?.phase === 'Pending' || obj.kind === 'Pod') {
    parts.push(o.spec?.nodeName ? `on ${o.spec.nodeName}` : 'unscheduled');
  }
  if (obj.metadata?.uid) parts.push(`uid ${obj.metadata.uid.slice(0, 8)}`);
  if (obj.metadata?.deletionTimestamp) parts.push('terminating');
  const conds = e ? Object.entries(e.conditions).map(([k, v]) => `${k}=${v}`) : [];
  if (conds.length) parts.push(conds.join(' '));
  return parts.join(', ') || 'exists';
}

/**
 * The latest error recorded since `since` by this cache's list and watch, or by calls about `name`;
 * failing that, the request still waiting for an answer (a server that accepts and never answers).
 */
function lastRelatedError(
  conn: Connection,
  cache: { readonly description: string; readonly pending: { operation: string; since: number } | undefined },
  since: number,
  name?: string,
): string | undefined {
  const related = conn
    .errorsSince(since)
    .filter(
      (e) =>
        e.operation.endsWith(` ${cache.description}`) ||
        (name !== undefined && e.operation.endsWith(`/${name}`)),
    );
  const last = related[related.length - 1];
  if (last) return describeRecordedError(last, since);
  const p = cache.pending;
  return p
    ? `${p.operation}: no answer after ${formatDuration(Date.now() - p.since)} (sent at +${((p.since - since) / 1000).toFixed(3)}s)`
    : undefined;
}

/** Watches one named object. */
export function observeObject<T extends KubernetesObject>(
  conn: Connection,
  resource: ResourceKind,
  namespace: string | undefined,
  name: string,
  baseline?: T,
  /** The one-line description of a state in messages; default describeObject. */
  describe: (state: ObjectState<T>) => string = (s) => describeObject(s.object, s.entry),
): Observation<ObjectState<T>> {
  const cache: WatchCache<T> = acquireCache<T>(conn, resource, namespace, {});
  const subject = `${noun(resource)} ${resource.namespaced ? `${namespace}/` : ''}${name}`;
  const startSeq = cache.currentSeq;
  const state = (): ObjectState<T> => {
    const history = cache.trajectory(name).since(startSeq);
    const entry = history[history.length - 1]!;
    return { namespace, name, object: cache.get(name), entry, history, baseline };
  };
  return {
    subject,
    get synced() {
      return cache.synced;
    },
    get finalError() {
      return cache.finalError;
    },
    get closed() {
      return cache.mode === 'closed';
    },
    state,
    subscribe(onState) {
      return cache.subscribe((change) => {
        if (!change) onState(undefined);
        else if (change.key === name) onState(state());
      });
    },
    describe,
    trajectory: (origin) => (cache.synced ? formatTrajectory(state().history, origin) : '    (never listed)'),
    lastError: (since) => lastRelatedError(conn, cache, since, name),
    async events(limit) {
      const ns = namespace ?? 'default';
      return formatEvents(await conn.listEventsFor(ns, resource.kind, name), limit);
    },
    async catchUp(signal) {
      const read = await cache.read(name, signal);
      if (await cache.whenCaughtUp(() => cache.hasSeen(name, read), signal)) return undefined;
      // The watch lags behind the server: judge the object as read, after what the watch delivered.
      const seen = state();
      const entry = entryOf<T>(cache.currentSeq, read ? 'MODIFIED' : 'DELETED', 'poll', read);
      return { ...seen, object: read, entry, history: [...seen.history, entry] };
    },
    close: () => cache.release(),
  };
}

/** Watches the set of objects a label selector picks. */
export function observeSet<T extends KubernetesObject>(
  conn: Connection,
  resource: ResourceKind,
  namespace: string | undefined,
  selector: Selector,
): Observation<SetState<T>> {
  const cache: WatchCache<T> = acquireCache<T>(conn, resource, namespace, selector);
  const sel = [selector.labelSelector, selector.fieldSelector].filter(Boolean).join(',');
  const subject = `${resource.plural}${namespace ? ` in ${namespace}` : ''}${sel ? ` with ${sel}` : ''}`;
  const changes: { key: string; entry: TrajectoryEntry<T> }[] = [];
  let last: { key: string; entry: TrajectoryEntry<T> } | undefined;
  const state = (): SetState<T> => ({ namespace, selector, objects: cache.list(), changed: last });
  const unsubscribe = cache.subscribe((change) => {
    if (!change) return;
    last = change;
    changes.push(change);
    if (changes.length > 200) changes.shift();
  });
  return {
    subject,
    get synced() {
      return cache.synced;
    },
    get finalError() {
      return cache.finalError;
    },
    get closed() {
      return cache.mode === 'closed';
    },
    state,
    subscribe(onState) {
      return cache.subscribe((change) => onState(change ? state() : undefined));
    },
    describe(s) {
      if (s.objects.length === 0) return 'no objects match';
      return s.objects.map((o) => `${o.metadata?.name}: ${describeObject(o)}`).join('; ');
    },
    trajectory(origin) {
      if (changes.length === 0) return '    (no changes since the wait began)';
      return changes
        .map((c) => `    ${c.key.padEnd(16)} ${formatEntry(c.entry, origin)}`)
        .slice(-20)
        .join('\n');
    },
    lastError: (since) => lastRelatedError(conn, cache, since),
    async events(limit) {
      const ns = namespace ?? 'default';
      const all = await Promise.all(
        cache.list().map(async (o) => ({
          name: o.metadata?.name ?? '',
          events: await conn.listEventsFor(ns, resource.kind, o.metadata?.name ?? ''),
        })),
      );
      return all.flatMap((x) => formatEvents(x.events, limit, `${x.name}: `)).slice(-limit);
    },
    async catchUp(signal) {
      const read = await cache.readList(signal);
      if (await cache.whenCaughtUp(() => cache.hasSeenList(read), signal)) return undefined;
      const key = (o: T) => cache.keyOf(o);
      const objects = [...read.items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      return { namespace, selector, objects, changed: undefined };
    },
    close() {
      unsubscribe();
      cache.release();
    },
  };
}
