/** @kubernetes/client-node APIs for a simulated cluster, a polling wait and refusal readers, for the simulator's own tests. */
import * as k8s from '@kubernetes/client-node';
import type { Cluster } from '../cluster.ts';

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  storage: k8s.StorageV1Api;
  policy: k8s.PolicyV1Api;
  batch: k8s.BatchV1Api;
  custom: k8s.CustomObjectsApi;
}

export function clientsFor(cluster: Cluster): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    storage: kc.makeApiClient(k8s.StorageV1Api),
    policy: kc.makeApiClient(k8s.PolicyV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
  };
}

/**
 * How long `until` waits by default: generous, because a passing wait returns at the first success
 * and a busy machine (CI shares its cores) can be ten times slower than an idle one.
 */
export const UNTIL_DEFAULT_MS = 30_000;

/**
 * Polls `probe` until it answers something other than undefined or false, and answers that; fails
 * after `timeoutMs` naming what was awaited and the last thing seen (or the last error).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = UNTIL_DEFAULT_MS,
  describe?: () => Promise<unknown>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = describe ? await describe().catch((e) => e) : lastError;
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(seen)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The HTTP status of a client-node failure, or undefined when the call succeeded. */
export async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

/** The HTTP code and Status body of a refused client-node call; fails when the call succeeds. */
export async function refusal(
  call: Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: number; body?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, status: JSON.parse(e.body ?? '{}') };
  }
  throw new Error('expected the request to be refused');
}
