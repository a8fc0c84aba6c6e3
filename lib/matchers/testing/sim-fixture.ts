/**
 * Test plumbing for the matcher tests: a bare embedded API server (no controllers), or with
 * KUBEXPECT_TEST_TARGET=controlplane a bare real control plane (API server and controller-manager,
 * no scheduler, no kubelets); a connection, one namespace per test file, and small writers that
 * drive pods, claims and nodes through states over the API, the way controllers would.
 */
import type { V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { type Connection, connect } from '../../client/index.ts';
import { setWatchCacheDefaults } from '../../observe/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../../controlplane/testing/test-target.ts';

export interface SimFixture {
  cluster: TestCluster;
  conn: Connection;
  ns: string;
}

/** Registers before/after hooks and returns the fixture, filled in once `before` ran. */
export function useSim(ns: string): SimFixture {
  const fixture = {} as SimFixture;
  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    setWatchCacheDefaults({ pollIntervalMs: 200 });
    fixture.cluster = await startTestCluster({ seed: 7, token: true });
    fixture.conn = await connect({ kubeconfig: fixture.cluster.kubeconfig });
    fixture.ns = ns;
    await fixture.conn.core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async function () {
    this.timeout(60_000);
    fixture.conn?.close();
    await fixture.cluster?.stop();
  });
  return fixture;
}

export interface PodSpec {
  nodeName?: string;
  labels?: Record<string, string>;
}

export async function createPod(f: SimFixture, name: string, spec: PodSpec = {}): Promise<V1Pod> {
  return f.conn.core.createNamespacedPod({
    namespace: f.ns,
    body: {
      metadata: { name, labels: spec.labels },
      spec: { nodeName: spec.nodeName, containers: [{ name: 'c', image: 'postgres' }] },
    },
  });
}

export interface PodStatusChange {
  phase?: string;
  ready?: boolean;
  /** PodScheduled=False with reason Unschedulable and this message. */
  unschedulable?: string;
}

/** Writes the pod's status as a kubelet or scheduler would. */
export async function setPodStatus(f: SimFixture, name: string, change: PodStatusChange): Promise<V1Pod> {
  const pod = await f.conn.core.readNamespacedPod({ namespace: f.ns, name });
  const conditions: V1PodCondition[] = (pod.status?.conditions ?? []).filter(
    (c) =>
      !(c.type === 'Ready' && change.ready !== undefined) &&
      !(c.type === 'PodScheduled' && change.unschedulable),
  );
  if (change.ready !== undefined) conditions.push({ type: 'Ready', status: change.ready ? 'True' : 'False' });
  if (change.unschedulable) {
    conditions.push({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: change.unschedulable,
    });
  }
  pod.status = { ...pod.status, phase: change.phase ?? pod.status?.phase, conditions };
  return f.conn.core.replaceNamespacedPodStatus({ namespace: f.ns, name, body: pod });
}

/** Deletes a pod at once (grace period 0), as a recreated CNPG instance would be. */
export async function deletePod(f: SimFixture, name: string): Promise<void> {
  await f.conn.core.deleteNamespacedPod({ namespace: f.ns, name, gracePeriodSeconds: 0 });
}

export async function createNode(f: SimFixture, name: string, unschedulable = false): Promise<void> {
  await f.conn.core.createNode({ body: { metadata: { name }, spec: { unschedulable } } });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The failure message of an assertion that must fail (throws if it passed). */
export async function failureOf(assertion: PromiseLike<unknown>): Promise<string> {
  try {
    await assertion;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

/** The first two lines of a failure message with the elapsed time replaced by `T`. */
export function gist(message: string): string {
  return message
    .split('\n')
    .slice(0, 2)
    .join('\n')
    .replace(/after \d+(\.\d+)?m?s of/, 'after T of');
}
