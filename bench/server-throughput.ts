/**
 * Benchmark 4, the embedded cluster itself on loopback: GET, LIST and PATCH answered per second by
 * C concurrent keep-alive HTTP clients, and watch events delivered per second to W watchers while
 * a writer changes pods. Raw node:http (no client library), so the figures are the server's; the
 * load generator shares the server's process and event loop, so they are a floor.
 */
import { Agent, request } from 'node:http';
import { startCluster } from '../lib/sim/index.ts';
import { createNamespace, createPod, performance } from './support/embedded.ts';
import { round } from './support/stats.ts';

export interface ServerThroughputOptions {
  /** Concurrent HTTP clients for GET, LIST and PATCH. */
  clients: number;
  /** Watch streams open during the watch measurement. */
  watchers: number;
  /** Pods in the namespace (the LIST returns them all). */
  pods: number;
  /** How long each measurement runs (ms). */
  durationMs: number;
}

export interface ServerThroughputRow {
  operation: string;
  clients: number;
  perSecond: number;
  total: number;
  errors: number;
}

export interface ServerThroughputResult {
  pods: number;
  durationMs: number;
  rows: ServerThroughputRow[];
}

export const SERVER_FULL: ServerThroughputOptions = { clients: 8, watchers: 10, pods: 100, durationMs: 3000 };

interface Answer {
  status: number;
  body: string;
}

function call(agent: Agent, url: URL, method: string, body?: string, contentType?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers:
          body === undefined
            ? {}
            : { 'Content-Type': contentType!, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchServerThroughput(
  options: ServerThroughputOptions,
): Promise<ServerThroughputResult> {
  const cluster = await startCluster({ seed: 4, token: false });
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients + options.watchers + 2 });
  const rows: ServerThroughputRow[] = [];
  try {
    const ns = 'throughput';
    createNamespace(cluster, ns);
    for (let i = 0; i < options.pods; i++) createPod(cluster, ns, `pod-${i}`);
    const base = `${cluster.url}/api/v1/namespaces/${ns}/pods`;

    const measure = async (operation: string, once: (i: number) => Promise<Answer>) => {
      let total = 0;
      let errors = 0;
      const end = performance.now() + options.durationMs;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: options.clients }, async (_, c) => {
          for (let i = c; performance.now() < end; i += options.clients) {
            const answer = await once(i);
            if (answer.status >= 400) errors++;
            total++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      rows.push({ operation, clients: options.clients, perSecond: round(total / seconds, 0), total, errors });
    };

    await measure('GET pod', (i) => call(agent, new URL(`${base}/pod-${i % options.pods}`), 'GET'));
    await measure(`LIST ${options.pods} pods`, () => call(agent, new URL(base), 'GET'));
    await measure('PATCH pod (merge patch)', (i) =>
      call(
        agent,
        new URL(`${base}/pod-${i % options.pods}`),
        'PATCH',
        JSON.stringify({ metadata: { labels: { round: String(i) } } }),
        'application/merge-patch+json',
      ),
    );

    // Watch fan-out: W streams, one writer patching pods server-side as fast as the loop allows.
    let delivered = 0;
    const watches = Array.from({ length: options.watchers }, () => {
      const req = request(new URL(`${base}?watch=true&resourceVersion=0`), { agent }, (res) => {
        res.on('data', (chunk: Buffer) => {
          for (const byte of chunk) if (byte === 10) delivered++;
        });
      });
      req.on('error', () => {});
      req.end();
      return req;
    });
    await new Promise((r) => setTimeout(r, 300));
    delivered = 0;
    const pods = cluster.api.resource('', 'pods');
    let written = 0;
    const started = performance.now();
    const end = started + options.durationMs;
    while (performance.now() < end) {
      for (let k = 0; k < 50; k++) {
        const name = `pod-${written % options.pods}`;
        cluster.api.patch(pods, ns, name, 'application/merge-patch+json', {
          metadata: { annotations: { tick: String(written) } },
        });
        written++;
      }
      await new Promise((r) => setImmediate(r));
    }
    // Let the streams drain what was written.
    const writtenSeconds = (performance.now() - started) / 1000;
    const drainUntil = performance.now() + 2000;
    while (delivered < written * options.watchers && performance.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    for (const w of watches) w.destroy();
    rows.push({
      operation: `watch events delivered (${round(written / writtenSeconds, 0)} changes/s written)`,
      clients: options.watchers,
      perSecond: round(delivered / seconds, 0),
      total: delivered,
      errors: written * options.watchers - delivered,
    });
  } finally {
    agent.destroy();
    await cluster.stop();
  }
  return { pods: options.pods, durationMs: options.durationMs, rows };
}
