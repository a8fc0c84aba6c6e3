/**
 * Benchmark 1, detection latency: from the moment the server stores a state change (a pod's status
 * written Running over HTTP, stamped by a server-side watch) to the assertion resolving, for
 * kubexpect (watch-driven) and for a p-retry polling loop at 1 s and at 5 s (CNPG's interval).
 */
import pRetry from 'p-retry';
import { connect, eventuallyPod } from '../lib/index.ts';
import { acquireCache, PODS } from '../lib/observe/index.ts';
import { startCluster } from '../lib/sim/index.ts';
import { createNamespace, createPod, performance, stampPhase } from './support/embedded.ts';
import { type Summary, sleep, summarize } from './support/stats.ts';

export interface DetectionOptions {
  /** Sequential kubexpect samples. */
  samples: number;
  /** Concurrent samples per polling interval. */
  pollingSamples: number;
  /** Polling intervals of the baseline, in ms. */
  pollIntervalsMs: number[];
}

export interface DetectionRow {
  method: string;
  /** Latency from the server storing the change to the assertion resolving, in ms. */
  latencyMs: Summary;
}

export interface DetectionResult {
  rows: DetectionRow[];
}

export const DETECTION_FULL: DetectionOptions = {
  samples: 300,
  pollingSamples: 60,
  pollIntervalsMs: [1000, 5000],
};

export async function benchDetection(options: DetectionOptions): Promise<DetectionResult> {
  const cluster = await startCluster({ seed: 1, token: false });
  const conn = await connect({ kubeconfig: cluster.kubeconfig });
  const writer = await connect({ kubeconfig: cluster.kubeconfig });
  const rows: DetectionRow[] = [];
  try {
    const ns = 'detect';
    createNamespace(cluster, ns);
    const stamper = stampPhase(cluster, ns, 'Running');
    // A suite keeps its caches warm between assertions; hold one so every sample finds it watching.
    const cache = acquireCache(conn, PODS, ns);
    while (cache.mode !== 'watching') await sleep(5);
    const markRunning = async (name: string) => {
      const pod = await writer.core.readNamespacedPod({ namespace: ns, name });
      pod.status = { ...pod.status, phase: 'Running' };
      await writer.core.replaceNamespacedPodStatus({ namespace: ns, name, body: pod });
    };

    const latencies: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const name = `k-${i}`;
      createPod(cluster, ns, name);
      const assertion = eventuallyPod(conn, ns, name, { timeout: 10_000 }).toBeRunning();
      await assertion.observing;
      let resolvedAt = 0;
      const done = assertion.then(() => {
        resolvedAt = performance.now();
      });
      await markRunning(name);
      await done;
      latencies.push(resolvedAt - stamper.stamps.get(name)!);
    }
    rows.push({ method: 'kubexpect (watch)', latencyMs: summarize(latencies) });

    const polled = await Promise.all(
      options.pollIntervalsMs.map(async (interval) => {
        const samples = await Promise.all(
          Array.from({ length: options.pollingSamples }, async (_, i) => {
            const name = `p${interval}-${i}`;
            createPod(cluster, ns, name);
            let resolvedAt = 0;
            const poll = pRetry(
              async () => {
                const pod = await conn.core.readNamespacedPod({ namespace: ns, name });
                if (pod.status?.phase !== 'Running') throw new Error(`pod ${name} is ${pod.status?.phase}`);
              },
              { retries: 1_000, factor: 1, minTimeout: interval, maxTimeout: interval, randomize: false },
            ).then(() => {
              resolvedAt = performance.now();
            });
            // The change lands at a uniformly random moment of the polling cycle.
            await sleep(interval + Math.random() * interval);
            await markRunning(name);
            await poll;
            return resolvedAt - stamper.stamps.get(name)!;
          }),
        );
        return { method: `p-retry polling every ${interval / 1000} s`, latencyMs: summarize(samples) };
      }),
    );
    rows.push(...polled);
    cache.release();
    stamper.stop();
  } finally {
    conn.close();
    writer.close();
    await cluster.stop();
  }
  return { rows };
}
