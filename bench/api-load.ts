/**
 * Benchmark 2, API load: requests the API server answers while N assertions wait on N pods over
 * the same window, kubexpect (shared watch caches) against a p-retry loop polling each pod every
 * second. Pods are created and flipped to Running server-side, so the counters see only the
 * assertions' own requests (counted by the embedded server, cluster.requestCounts()).
 */
import pRetry from 'p-retry';
import { connect, eventuallyPod } from '../lib/index.ts';
import { startCluster } from '../lib/sim/index.ts';
import { createNamespace, createPod, requestsSince, setPodPhase, sum } from './support/embedded.ts';
import { round, sleep } from './support/stats.ts';

export interface ApiLoadOptions {
  concurrency: number[];
  /** The window both methods wait through before the pods turn Running (ms). */
  windowMs: number;
  pollIntervalMs: number;
}

export interface ApiLoadRow {
  assertions: number;
  kubexpectRequests: number;
  kubexpectByVerb: Record<string, number>;
  pollingRequests: number;
  /** pollingRequests / kubexpectRequests */
  ratio: number;
}

export interface ApiLoadResult {
  windowMs: number;
  pollIntervalMs: number;
  rows: ApiLoadRow[];
}

export const API_LOAD_FULL: ApiLoadOptions = {
  concurrency: [1, 10, 100, 500],
  windowMs: 6000,
  pollIntervalMs: 1000,
};

export async function benchApiLoad(options: ApiLoadOptions): Promise<ApiLoadResult> {
  const cluster = await startCluster({ seed: 2, token: false });
  const rows: ApiLoadRow[] = [];
  try {
    for (const n of options.concurrency) {
      const names = Array.from({ length: n }, (_, i) => `pod-${i}`);
      const run = async (method: 'kubexpect' | 'polling'): Promise<Record<string, number>> => {
        const ns = `load-${method}-${n}`;
        createNamespace(cluster, ns);
        for (const name of names) createPod(cluster, ns, name);
        const conn = await connect({ kubeconfig: cluster.kubeconfig });
        const before = cluster.requestCounts();
        let waits: PromiseLike<unknown>[];
        if (method === 'kubexpect') {
          waits = names.map((name) =>
            eventuallyPod(conn, ns, name, { timeout: options.windowMs + 30_000 }).toBeRunning(),
          );
        } else {
          waits = names.map((name) =>
            pRetry(
              async () => {
                const pod = await conn.core.readNamespacedPod({ namespace: ns, name });
                if (pod.status?.phase !== 'Running') throw new Error('not Running yet');
              },
              {
                retries: 10_000,
                factor: 1,
                minTimeout: options.pollIntervalMs,
                maxTimeout: options.pollIntervalMs,
                randomize: false,
              },
            ),
          );
        }
        await sleep(options.windowMs);
        const inWindow = requestsSince(cluster, before);
        for (const name of names) setPodPhase(cluster, ns, name, 'Running');
        await Promise.all(waits);
        conn.close();
        return inWindow;
      };
      const k = await run('kubexpect');
      const p = await run('polling');
      rows.push({
        assertions: n,
        kubexpectRequests: sum(k),
        kubexpectByVerb: k,
        pollingRequests: sum(p),
        ratio: round(sum(p) / Math.max(1, sum(k)), 1),
      });
    }
  } finally {
    await cluster.stop();
  }
  return { windowMs: options.windowMs, pollIntervalMs: options.pollIntervalMs, rows };
}
