/**
 * What simulated controllers run on: shared informers over the Api's watches, work queues that
 * reconcile keys one at a time, timers scaled by the cluster's time scale, the seeded random source
 * and an event recorder. Watch callbacks arrive inside another writer's call, so informers hand
 * them on asynchronously: a controller never re-enters the Api from inside someone else's write.
 */
import type { Api, WatchHandle } from '../api/api.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject, WatchEvent } from '../api/types.ts';
import type { Random } from '../random.ts';
import { EventRecorder } from './events.ts';

export type InformerHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KObject, old?: KObject) => void;

export function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** A cache of one resource, all namespaces, kept current by a watch on the Api. */
export class Informer {
  readonly rt: ResourceType;
  private readonly cache = new Map<string, KObject>();
  private readonly handlers: InformerHandler[] = [];
  private readonly pending: WatchEvent[] = [];
  private scheduled = false;
  private handle: WatchHandle | undefined;
  private stopped = false;

  constructor(api: Api, rt: ResourceType) {
    this.rt = rt;
    // The initial ADDED replay fills the cache synchronously, so readers see the current state at once.
    let replaying = true;
    this.handle = api.watch(rt, undefined, {}, (event) => {
      if (replaying) {
        const obj = event.object as KObject;
        this.cache.set(keyOf(obj), obj);
        this.pending.push(event);
        return;
      }
      this.pending.push(event);
      this.schedule();
    });
    replaying = false;
    this.pending.length = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.pending.splice(0);
      for (const event of batch) this.apply(event);
    });
  }

  private apply(event: WatchEvent): void {
    if (this.stopped) return;
    const obj = event.object as KObject;
    const key = keyOf(obj);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') this.cache.delete(key);
    else if (event.type === 'ADDED' || event.type === 'MODIFIED') this.cache.set(key, obj);
    else return;
    for (const h of this.handlers) h(event.type, obj, old);
  }

  /** Registers a handler; with `replay`, it first sees every cached object as ADDED (asynchronously). */
  on(handler: InformerHandler, replay = true): void {
    this.handlers.push(handler);
    if (replay) {
      const snapshot = [...this.cache.values()];
      setImmediate(() => {
        if (!this.stopped) for (const obj of snapshot) handler('ADDED', obj);
      });
    }
  }

  get(namespace: string | undefined, name: string): KObject | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): KObject[] {
    const all = [...this.cache.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  stop(): void {
    this.stopped = true;
    this.handle?.stop();
    this.handle = undefined;
  }
}

/**
 * Keys to reconcile, deduplicated, processed one at a time. A failing reconcile is retried with a
 * (scaled) backoff; a key added while it is being processed is processed again afterwards.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private running = false;
  private stopped = false;

  constructor(
    private readonly runtime: SimRuntime,
    readonly name: string,
    private readonly reconcile: (key: string) => Promise<void> | void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    this.kick();
  }

  /** Adds the key after a realistic delay (scaled by the cluster's time scale). */
  addAfter(key: string, realisticMs: number): void {
    this.runtime.after(realisticMs, () => this.add(key));
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queued.size > 0) {
      const key = this.queued.values().next().value as string;
      this.queued.delete(key);
      this.active.add(key);
      try {
        await this.reconcile(key);
        this.failures.delete(key);
      } catch (err) {
        if (this.stopped) break;
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.runtime.reportError(this.name, key, err);
        this.addAfter(key, Math.min(5 * 2 ** n, 5000));
      } finally {
        this.active.delete(key);
        if (this.dirty.delete(key)) this.queued.add(key);
      }
    }
    this.running = false;
  }

  stop(): void {
    this.stopped = true;
    this.queued.clear();
  }
}

export interface SimRuntimeOptions {
  /** Multiplies every realistic latency: 1 is real seconds, 0.01 a hundred times faster. */
  timeScale: number;
  random: Random;
}

/** A simulated controller: started once with the runtime; everything it schedules stops with it. */
export interface Controller {
  readonly name: string;
  start(runtime: SimRuntime): void;
}

export class SimRuntime {
  readonly api: Api;
  readonly timeScale: number;
  readonly random: Random;
  readonly events: EventRecorder;
  private readonly informers = new Map<string, Informer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly queues: WorkQueue[] = [];
  private stopped = false;
  /** The last errors controllers hit, newest last (bounded), for diagnosing the simulator. */
  readonly errors: { controller: string; key: string; message: string }[] = [];

  constructor(api: Api, options: SimRuntimeOptions) {
    this.api = api;
    this.timeScale = options.timeScale;
    this.random = options.random;
    this.events = new EventRecorder(api);
  }

  /** The shared informer of a resource (created on first use). */
  informer(group: string, plural: string): Informer {
    const rt = this.api.resource(group, plural);
    const key = `${rt.group}/${rt.plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.api, rt);
      this.informers.set(key, inf);
    }
    return inf;
  }

  queue(name: string, reconcile: (key: string) => Promise<void> | void): WorkQueue {
    const q = new WorkQueue(this, name, reconcile);
    this.queues.push(q);
    return q;
  }

  /** Scaled real time for a realistic duration. */
  scaled(realisticMs: number): number {
    return Math.max(0, realisticMs * this.timeScale);
  }

  /** Runs `fn` after a realistic delay (scaled); cancelled when the runtime stops. */
  after(realisticMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, this.scaled(realisticMs));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** A promise that resolves after a realistic delay (scaled), or never once stopped. */
  sleep(realisticMs: number): Promise<void> {
    return new Promise((resolve) => this.after(realisticMs, resolve));
  }

  /** A uniformly drawn realistic duration in [min, max] ms, from the seeded source. */
  jitter(minMs: number, maxMs: number): number {
    return minMs + (maxMs - minMs) * this.random();
  }

  reportError(controller: string, key: string, err: unknown): void {
    this.errors.push({ controller, key, message: err instanceof Error ? err.message : String(err) });
    if (this.errors.length > 200) this.errors.shift();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const q of this.queues) q.stop();
    for (const inf of this.informers.values()) inf.stop();
  }
}
