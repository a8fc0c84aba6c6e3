/** For the simulator's tests: what the controllers reported as failed reconciles. */
import { expect } from 'chai';
import type { Cluster } from '../cluster.ts';
import type { SimRuntime } from '../controllers/runtime.ts';

const OWN = new Set([
  'scheduler',
  'kubelet',
  'job-controller',
  'daemonset-controller',
  'garbage-collector',
  'namespace-controller',
  'node-lifecycle-controller',
  'taint-eviction-controller',
]);

/** Errors of the scheduler, kubelet and workload/lifecycle controllers, as "controller key: message". */
function ownControllerErrors(runtime: SimRuntime): string[] {
  return runtime.errors
    .filter((e) => OWN.has(e.controller))
    .map((e) => `${e.controller} ${e.key}: ${e.message}`);
}

/** Stops the cluster, then fails when those controllers reported failed reconciles while it ran. */
export async function stopWithoutOwnErrors(cluster: Cluster): Promise<void> {
  const errors = ownControllerErrors(cluster.runtime);
  await cluster.stop();
  expect(errors).to.deep.equal([]);
}

/** Stops the cluster, then fails when any controller reported a failed reconcile while it ran. */
export async function stopWithoutControllerErrors(cluster: Cluster): Promise<void> {
  await cluster.stop();
  const errors = cluster.runtime.errors.map((e) => `${e.controller} ${e.key}: ${e.message}`);
  expect(errors, 'errors the controllers met').to.deep.equal([]);
}
