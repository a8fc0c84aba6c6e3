/**
 * Benchmark 3, scale, the client's side: A concurrent assertions (each waits for its pod to be
 * Running) against the cluster of scale-server.ts. Every target pod's status is then written
 * Running over HTTP (20 writers); the figure is the time from the last write acknowledged (so
 * stored) to the last verdict. Runs in its own process so peak RSS and CPU are the library's.
 */
import { readFileSync } from 'node:fs';
import { connect, eventuallyPod } from '../lib/index.ts';
import { performance } from './support/embedded.ts';
import { round } from './support/stats.ts';

export interface ScaleClientResult {
  assertions: number;
  /**
   * From the last write sent to the last assertion resolved (ms): an upper bound on the time from
   * the last change stored to the last verdict (the store write happens after the send). The
   * watch event often beats the write's own response back to the client.
   */
  lastChangeToAllVerdictsMs: number;
  /** From the first write sent to the last assertion resolved (ms). */
  firstChangeToAllVerdictsMs: number;
  /** From the assertions' start to every one listed and watching (one LIST of every pod). */
  assertionsObservingMs: number;
  verdicts: number;
  /** RSS before the first request: Node, tsx, kubexpect and client-node loaded, nothing done yet. */
  rssBeforeWorkMB: number;
  peakRssMB: number;
  /** CPU time of the client process (user + system), in ms. */
  cpuMs: number;
  /** CPU time from the first write to the last verdict, in ms. */
  cpuDuringVerdictsMs: number;
}

async function runClient(kubeconfigPath: string, count: number): Promise<ScaleClientResult> {
  const rssBeforeWorkMB = round(process.memoryUsage().rss / 2 ** 20, 1);
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8');
  const conn = await connect({ kubeconfig });
  const writer = await connect({ kubeconfig });
  const ns = 'scale';
  try {
    const targets = Array.from({ length: count }, (_, i) => `pod-${i}`);
    const t1 = performance.now();
    let resolved = 0;
    let lastVerdictAt = 0;
    const assertions = targets.map((name) =>
      eventuallyPod(conn, ns, name, { timeout: 120_000 }).toBeRunning(),
    );
    await Promise.all(assertions.map((a) => a.observing));
    const assertionsObservingMs = performance.now() - t1;
    const waits = assertions.map((a) =>
      a.then(() => {
        resolved++;
        lastVerdictAt = performance.now();
      }),
    );
    const cpu1 = process.cpuUsage();
    const firstChangeAt = performance.now();
    let lastSentAt = 0;
    const queue = [...targets];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          lastSentAt = performance.now();
          await writer.core.patchNamespacedPodStatus({
            namespace: ns,
            name,
            body: [{ op: 'replace', path: '/status/phase', value: 'Running' }],
          });
        }
      }),
    );
    await Promise.all(waits);
    const cpu2 = process.cpuUsage(cpu1);
    const all = process.cpuUsage();
    return {
      assertions: count,
      lastChangeToAllVerdictsMs: round(lastVerdictAt - lastSentAt),
      firstChangeToAllVerdictsMs: round(lastVerdictAt - firstChangeAt),
      assertionsObservingMs: round(assertionsObservingMs),
      verdicts: resolved,
      rssBeforeWorkMB,
      peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
      cpuMs: round((all.user + all.system) / 1000),
      cpuDuringVerdictsMs: round((cpu2.user + cpu2.system) / 1000),
    };
  } finally {
    conn.close();
    writer.close();
  }
}

const [path, count] = process.argv.slice(2);
runClient(path!, Number(count)).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
