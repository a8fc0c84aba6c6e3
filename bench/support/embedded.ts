/**
 * What the benchmarks do on the simulator's side: objects created and status written through the
 * server-side Api (so setup costs no HTTP requests and the request counters see only the client
 * under test), and the moment the server stored a change, read from a server-side watch: its
 * callback runs inside the store write, so its clock reading is the state change's timestamp.
 */
import { performance } from 'node:perf_hooks';
import type { Cluster } from '../../lib/sim/index.ts';

export interface PodObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; uid?: string };
  spec?: { nodeName?: string; [k: string]: unknown };
  status?: { phase?: string; [k: string]: unknown };
}

export function createNamespace(cluster: Cluster, name: string): void {
  cluster.api.create(cluster.api.resource('', 'namespaces'), undefined, { metadata: { name } });
}

export function createNode(cluster: Cluster, name: string): void {
  cluster.api.create(cluster.api.resource('', 'nodes'), undefined, {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
  });
}

/** A pod bound to `node`, phase Pending, as the scheduler leaves it before the kubelet starts it. */
export function createPod(cluster: Cluster, namespace: string, name: string, node = 'node-1'): void {
  const pods = cluster.api.resource('', 'pods');
  cluster.api.create(pods, namespace, {
    metadata: { name, labels: { app: 'bench' } },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'postgres' }] },
  });
  setPodPhase(cluster, namespace, name, 'Pending');
}

/** Writes the pod's status phase server-side, as the kubelet would. */
export function setPodPhase(cluster: Cluster, namespace: string, name: string, phase: string): void {
  const pods = cluster.api.resource('', 'pods');
  const pod = cluster.api.get(pods, namespace, name);
  cluster.api.update(
    pods,
    namespace,
    name,
    { ...pod, status: { ...(pod.status ?? {}), phase } },
    {
      subresource: 'status',
    },
  );
}

/**
 * Records, per pod name, the performance.now() at which the server stored the first change that
 * made its phase `phase`. Stop it with the returned function.
 */
export function stampPhase(
  cluster: Cluster,
  namespace: string,
  phase: string,
): { stamps: Map<string, number>; stop: () => void } {
  const stamps = new Map<string, number>();
  const handle = cluster.api.watch(cluster.api.resource('', 'pods'), namespace, {}, (event) => {
    const at = performance.now();
    const pod = event.object as PodObject;
    if (event.type !== 'MODIFIED' || pod.status?.phase !== phase) return;
    if (!stamps.has(pod.metadata.name)) stamps.set(pod.metadata.name, at);
  });
  return { stamps, stop: () => handle.stop() };
}

/** Requests served over HTTP, all verbs together. */
export function totalRequests(cluster: Cluster): number {
  return Object.values(cluster.requestCounts()).reduce((a, b) => a + b, 0);
}

/** Requests by verb served since `before` (a requestCounts() snapshot). */
export function requestsSince(cluster: Cluster, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [verb, n] of Object.entries(cluster.requestCounts())) {
    const d = n - (before[verb] ?? 0);
    if (d > 0) out[verb] = d;
  }
  return out;
}

export const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0);

export { performance };
