/**
 * Benchmark 3, scale, the cluster's side: an embedded cluster in its own process holding N nodes
 * and P pods (created server-side, bound, Pending). It prints its kubeconfig as one JSON line,
 * serves until stdin closes, then prints its own peak RSS and exits. Keeping the simulator in a
 * separate process lets the client's figures be the library's alone, as against a real cluster.
 */
import { startCluster } from '../lib/sim/index.ts';
import { createNamespace, createNode, createPod } from './support/embedded.ts';
import { round } from './support/stats.ts';

const [nodes, pods] = process.argv.slice(2).map(Number);
const cluster = await startCluster({ seed: 3, token: false });
createNamespace(cluster, 'scale');
for (let i = 1; i <= nodes!; i++) createNode(cluster, `node-${i}`);
for (let i = 0; i < pods!; i++) createPod(cluster, 'scale', `pod-${i}`, `node-${(i % nodes!) + 1}`);
const rssAfterSetupMB = round(process.memoryUsage().rss / 2 ** 20, 1);
process.stdout.write(`${JSON.stringify({ kubeconfig: cluster.kubeconfig })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  const peakRssMB = round(process.resourceUsage().maxRSS / 1024, 1);
  const cpu = process.cpuUsage();
  await cluster.stop();
  process.stdout.write(
    `${JSON.stringify({ rssAfterSetupMB, peakRssMB, cpuMs: round((cpu.user + cpu.system) / 1000) })}\n`,
  );
  process.exit(0);
});
