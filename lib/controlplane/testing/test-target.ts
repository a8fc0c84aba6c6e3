/**
 * Test plumbing for the dual-target harness: one test text runs against the embedded cluster
 * (default) or, with KUBEXPECT_TEST_TARGET=controlplane (what `npm run test:real` sets), against a
 * real control plane started from binaries. Tests of what only the simulator has (fault injection,
 * its internals, its request counters) are marked sim-only and listed as pending on the real side.
 */
import { chmod, copyFile } from 'node:fs/promises';
import type { Cluster, ClusterOptions } from '../../sim/index.ts';
import type { ControlPlane, ControlPlaneOptions } from '../index.ts';

export type TestTarget = 'embedded' | 'controlplane';

/** Which cluster the API-facing tests run against. */
export function testTarget(): TestTarget {
  const value = process.env.KUBEXPECT_TEST_TARGET?.trim() || 'embedded';
  if (value !== 'embedded' && value !== 'controlplane') {
    throw new TypeError(
      `KUBEXPECT_TEST_TARGET must be "embedded" or "controlplane", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export const onControlPlane = testTarget() === 'controlplane';

/** A control plane starts in seconds to a minute on a busy machine: hooks that start one get this. */
export const CONTROLPLANE_HOOK_TIMEOUT_MS = 300_000;

export interface TestCluster {
  readonly target: TestTarget;
  /** A kubeconfig for connect(): YAML text (embedded) or a file path (control plane). */
  readonly kubeconfig: string;
  /** The API server's URL: `http://127.0.0.1:PORT` (embedded) or `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** The kubeconfig's context: `kubexpect-sim` or `kubexpect-controlplane`. */
  readonly context: string;
  /** The embedded cluster, when the target is embedded. */
  readonly sim?: Cluster;
  /** The real control plane, when the target is controlplane. */
  readonly plane?: ControlPlane;
  /** Writes the kubeconfig to a file (mode 0600) and returns its path. */
  writeKubeconfig(path: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the cluster a test file runs against: `startCluster(sim)` on the embedded target, or a
 * real control plane (`real`, default a bare one: API server and controller-manager, no nodes) on
 * the controlplane target.
 */
export async function startTestCluster(
  sim: ClusterOptions = {},
  real: ControlPlaneOptions = { bare: true },
): Promise<TestCluster> {
  if (onControlPlane) {
    const { startControlPlane } = await import('../index.ts');
    const plane = await startControlPlane({ startTimeoutMs: CONTROLPLANE_HOOK_TIMEOUT_MS - 30_000, ...real });
    return {
      target: 'controlplane',
      kubeconfig: plane.kubeconfig,
      url: plane.server,
      context: 'kubexpect-controlplane',
      plane,
      writeKubeconfig: async (path) => {
        await copyFile(plane.kubeconfig, path);
        await chmod(path, 0o600);
        return path;
      },
      stop: () => plane.stop(),
    };
  }
  const { startCluster } = await import('../../sim/index.ts');
  const cluster = await startCluster(sim);
  return {
    target: 'embedded',
    kubeconfig: cluster.kubeconfig,
    url: cluster.url,
    context: sim.name ?? 'kubexpect-sim',
    sim: cluster,
    writeKubeconfig: (path) => cluster.writeKubeconfig(path),
    stop: () => cluster.stop(),
  };
}

/** The embedded cluster of a TestCluster, for sim-only tests (throws on the real target). */
export function simOf(cluster: TestCluster): Cluster {
  if (!cluster.sim) throw new Error('this test reads the embedded cluster itself: mark it with simOnlyIt');
  return cluster.sim;
}

/** `it`, on the embedded cluster only: on the real control plane it is listed as pending, with why. */
export function simOnlyIt(title: string, reason: string, fn: Mocha.AsyncFunc | Mocha.Func): void {
  if (onControlPlane) it.skip(`${title} [sim-only: ${reason}]`, fn);
  else it(title, fn);
}

/** `describe`, on the embedded cluster only (see simOnlyIt). */
export function simOnlyDescribe(title: string, reason: string, fn: (this: Mocha.Suite) => void): void {
  if (onControlPlane) describe.skip(`${title} [sim-only: ${reason}]`, fn);
  else describe(title, fn);
}

/**
 * `describe`, on the real control plane only (what only a real server shows): on the embedded
 * target it is listed as pending. The suite's hooks get the start-up budget.
 */
export function realOnlyDescribe(title: string, fn: (this: Mocha.Suite) => void): void {
  const body = function (this: Mocha.Suite) {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    fn.call(this);
  };
  if (onControlPlane) describe(title, body);
  else describe.skip(`${title} [real control plane only: npm run test:real]`, body);
}
