/**
 * One reconcile pass over one Cluster: what was read at its start (the Cluster, its pods, PVCs,
 * Jobs and the nodes), the status being built, and the writes, all through the Api. The status is
 * written once at the end of the pass, as a merge patch of what changed, so concurrent writers of
 * other status fields (a user's `targetPrimary`) are not overwritten.
 */
import type { Api } from '../../api/api.ts';
import { StatusError } from '../../api/errors.ts';
import type { ResourceType } from '../../api/resource.ts';
import { clone, isPlainObject, type KObject } from '../../api/types.ts';
import type { SimRuntime } from '../runtime.ts';
import { EVENT_SOURCE, FIELD_MANAGER } from './naming.ts';
import { isOwnedBy } from './state.ts';
import type { ClusterObject, ClusterSpec, ClusterStatus, JobShape, NodeShape, PodShape } from './types.ts';

/** The resources the operator works with; optional ones are skipped when the server lacks them. */
export interface CnpgKinds {
  clusters: ResourceType;
  pods: ResourceType;
  pvcs: ResourceType;
  nodes: ResourceType;
  jobs?: ResourceType;
  services?: ResourceType;
  secrets?: ResourceType;
  serviceAccounts?: ResourceType;
  pdbs?: ResourceType;
  storageClasses?: ResourceType;
  leases?: ResourceType;
}

/** Realistic latencies (ms) of what the instance managers do inside the pods; scaled by the time scale. */
export interface CnpgLatencies {
  /** From the first primary's pod running to its instance manager reporting `currentPrimary`. */
  firstPrimaryStart: number;
  /** From a failover target being chosen to its promotion being reported. */
  promote: number;
  /** From a switchover target being chosen to its promotion (old primary's fast shutdown included). */
  switchover: number;
  /** From the start of a failover until the replicas' WAL receivers have stopped. */
  walReceiverStop: number;
}

export const DEFAULT_LATENCIES: CnpgLatencies = {
  firstPrimaryStart: 300,
  promote: 1500,
  switchover: 2500,
  walReceiverStop: 1000,
};

export interface CnpgSettings {
  latencies: CnpgLatencies;
  drainTaints: readonly string[];
}

/** What the simulated operator and instance managers remember between passes (never stored in the API). */
export interface ClusterMemory {
  /** A promotion the target's instance manager is carrying out. */
  promotion?: { target: string; dueAt: number };
  /** When the current failover set targetPrimary to "pending" (real ms). */
  failoverStartedAt?: number;
}

export class Pass {
  readonly api: Api;
  readonly name: string;
  readonly namespace: string;
  readonly spec: ClusterSpec;
  /** The status as read at the start of the pass. */
  readonly original: ClusterStatus;
  /** The status being built; written at the end. */
  status: ClusterStatus;
  readonly pods: PodShape[];
  readonly pvcs: KObject[];
  readonly jobs: JobShape[];
  readonly nodes: Map<string, NodeShape>;
  private requeueMs: number | undefined;

  constructor(
    readonly runtime: SimRuntime,
    readonly kinds: CnpgKinds,
    readonly settings: CnpgSettings,
    readonly memory: ClusterMemory,
    readonly cluster: ClusterObject,
    spec: ClusterSpec,
  ) {
    this.api = runtime.api;
    this.name = cluster.metadata.name!;
    this.namespace = cluster.metadata.namespace!;
    this.spec = spec;
    this.original = clone(cluster.status ?? {});
    this.status = clone(cluster.status ?? {});
    const owned = <T extends KObject>(rt: ResourceType | undefined): T[] =>
      rt
        ? (this.api.list(rt, this.namespace).items.filter((o) => isOwnedBy(o, cluster)) as T[]).sort(byName)
        : [];
    this.pods = owned<PodShape>(kinds.pods);
    this.pvcs = owned<KObject>(kinds.pvcs);
    this.jobs = owned<JobShape>(kinds.jobs);
    this.nodes = new Map(
      this.api.list(kinds.nodes, undefined).items.map((n) => [n.metadata.name!, n as NodeShape]),
    );
  }

  pod(name: string | undefined): PodShape | undefined {
    return name ? this.pods.find((p) => p.metadata.name === name) : undefined;
  }

  /** Asks for another pass after a realistic delay (the smallest request wins). */
  requeue(realisticMs: number): void {
    this.requeueMs = this.requeueMs === undefined ? realisticMs : Math.min(this.requeueMs, realisticMs);
  }

  get requeueAfter(): number | undefined {
    return this.requeueMs;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.runtime.events.record(this.cluster, type, reason, message, EVENT_SOURCE);
  }

  /** Creates an object; an existing one with that name is left alone (a stale read, as the real operator treats it). */
  create(rt: ResourceType | undefined, body: KObject): KObject | undefined {
    if (!rt) return undefined;
    try {
      return this.api.create(rt, this.namespace, body, { fieldManager: FIELD_MANAGER });
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) return undefined;
      throw err;
    }
  }

  /** A JSON merge patch of the main resource; a missing object is not an error. */
  patch(rt: ResourceType | undefined, name: string, body: Record<string, unknown>): void {
    if (!rt) return;
    try {
      this.api.patch(rt, this.namespace, name, 'application/merge-patch+json', body, {
        fieldManager: FIELD_MANAGER,
      });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }

  delete(rt: ResourceType | undefined, name: string, propagationPolicy?: 'Foreground' | 'Background'): void {
    if (!rt) return;
    try {
      this.api.delete(rt, this.namespace, name, propagationPolicy ? { propagationPolicy } : {});
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }

  /** Writes the status fields that changed during the pass, through the status subresource. */
  flushStatus(): void {
    const patch = mergePatchBetween(this.original, this.status);
    if (!patch) return;
    try {
      this.api.patch(
        this.kinds.clusters,
        this.namespace,
        this.name,
        'application/merge-patch+json',
        { status: patch },
        { subresource: 'status', fieldManager: FIELD_MANAGER },
      );
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
}

function byName(a: KObject, b: KObject): number {
  return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
}

/** The RFC 7386 merge patch that turns `from` into `to`, or undefined when they are equal. */
export function mergePatchBetween(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const before = from[key];
    if (isPlainObject(value) && isPlainObject(before)) {
      const nested = mergePatchBetween(before, value);
      if (nested) patch[key] = nested;
    } else if (JSON.stringify(before) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  for (const key of Object.keys(patch)) if (patch[key] === null && !(key in from)) delete patch[key];
  return Object.keys(patch).length > 0 ? patch : undefined;
}
