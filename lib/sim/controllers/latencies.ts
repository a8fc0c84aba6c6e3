/**
 * How long things take in the simulated cluster, as data (in the spirit of kwok's stages): each
 * step is a realistic range in milliseconds, drawn per object from the seed and multiplied by the
 * cluster's time scale when it is waited for. Presets and users override entries by name.
 * Storage operations (provision, attach, detach) are timed by the provisioner table of
 * ./storage/provisioners.ts, per provisioner.
 */
import { stableDraw } from './stable-random.ts';
import type { SimRuntime } from './runtime.ts';

export interface Latency {
  /** Realistic milliseconds, inclusive. */
  min: number;
  max: number;
}

export interface Latencies {
  /** From a pod becoming schedulable to the scheduler's binding. */
  schedule: Latency;
  /** From a change reaching a node to its kubelet acting on it (pod sync loop). */
  kubeletSync: Latency;
  /** Mounting a pod's volumes once they are bound and attached. */
  volumeMount: Latency;
  /** Creating the pod sandbox and its network. */
  sandbox: Latency;
  /** Pulling an image the node does not have yet. */
  imagePull: Latency;
  /** Creating a container once its image is present. */
  containerCreate: Latency;
  /** Starting a created container. */
  containerStart: Latency;
  /** From a container starting to the pod reporting Ready (added to a readiness probe's initial delay). */
  readiness: Latency;
  /** From SIGTERM to the container exiting; never longer than the pod's grace period. */
  containerStop: Latency;
  /** How long an init container works before exiting 0. */
  initContainerRun: Latency;
  /** How long a run-to-completion container (a Job's pod) works before exiting 0. */
  jobRun: Latency;
  /** Workload controllers (Job, DaemonSet) reacting to a change. */
  controllerSync: Latency;
  /** The garbage collector noticing dependents of a deleted owner. */
  garbageCollection: Latency;
  /** The namespace controller's pass over a terminating namespace. */
  namespaceCleanup: Latency;
  /** How long a node's kubelet may stay silent before the node lifecycle controller marks it Unknown. */
  nodeMonitorGrace: Latency;
  /** How long a volume waits unmounted before the kubelet reports FailedMount. */
  mountTimeout: Latency;
}

export const DEFAULT_LATENCIES: Readonly<Latencies> = Object.freeze({
  schedule: { min: 20, max: 120 },
  kubeletSync: { min: 50, max: 300 },
  volumeMount: { min: 100, max: 600 },
  sandbox: { min: 300, max: 1200 },
  imagePull: { min: 1500, max: 6000 },
  containerCreate: { min: 50, max: 300 },
  containerStart: { min: 100, max: 500 },
  readiness: { min: 200, max: 1500 },
  containerStop: { min: 300, max: 3000 },
  initContainerRun: { min: 500, max: 2000 },
  jobRun: { min: 2000, max: 8000 },
  controllerSync: { min: 20, max: 150 },
  garbageCollection: { min: 50, max: 300 },
  namespaceCleanup: { min: 100, max: 500 },
  nodeMonitorGrace: { min: 50_000, max: 50_000 },
  mountTimeout: { min: 120_000, max: 120_000 },
});

export type LatencyOverrides = Partial<Record<keyof Latencies, Latency>>;

/** The default table with `overrides` applied; throws a TypeError naming the bad entry. */
export function resolveLatencies(...overrides: (LatencyOverrides | undefined)[]): Latencies {
  const out: Latencies = { ...DEFAULT_LATENCIES };
  const known = Object.keys(DEFAULT_LATENCIES);
  for (const layer of overrides) {
    if (layer === undefined) continue;
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      throw new TypeError(
        `latencies must be an object of { min, max } entries, got ${JSON.stringify(layer)}`,
      );
    }
    for (const [name, value] of Object.entries(layer)) {
      if (!known.includes(name)) {
        throw new TypeError(`unknown latency "${name}"; known latencies: ${known.join(', ')}`);
      }
      const l = value as Partial<Latency> | undefined;
      const ok =
        typeof l === 'object' &&
        l !== null &&
        Number.isFinite(l.min) &&
        Number.isFinite(l.max) &&
        l.min! >= 0 &&
        l.max! >= l.min!;
      if (!ok) {
        throw new TypeError(
          `latency "${name}" must be { min, max } in milliseconds with 0 <= min <= max, got ${JSON.stringify(value)}`,
        );
      }
      out[name as keyof Latencies] = { min: l.min!, max: l.max! };
    }
  }
  return out;
}

/**
 * A realistic duration in [min, max] for one step of one object. `parts` name the step and the
 * object (e.g. 'imagePull', 'default/web-0'), so the same seed draws the same duration for it.
 */
export function drawLatency(runtime: SimRuntime, latency: Latency, ...parts: string[]): number {
  const r = parts.length > 0 ? stableDraw(runtime, 'latency', ...parts) : runtime.random();
  return latency.min + (latency.max - latency.min) * r;
}
