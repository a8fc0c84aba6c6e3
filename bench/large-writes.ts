/**
 * Large valid writes against the embedded server: how long a create, an update (PUT, one key
 * changed) and a server-side apply of a 1, 2 and 3 MiB object take, and how long health checks
 * wait meanwhile. The server runs in this process; the writer and a health prober (GET /healthz,
 * back to back on a keep-alive connection) run in a worker thread with its own event loop, so the
 * longest gap between two health answers is how long the server's event loop was held.
 *
 *   node --import tsx --conditions kubexpect-source bench/large-writes.ts [--reps 3] [--sizes 1,2,3]
 *     [--shapes configmap,secret,cr] [--ops create,update,apply] [--json out.json] [--cpu-prof]
 *
 * Shapes: a ConfigMap of many small keys (size/64 keys, 48,000 at 3 MiB, under the 50,000-value
 * limit), a Secret of 4 KiB base64 values, and a custom resource of nested objects (a list of about
 * 3 KiB shards keyed by name — `containers`, so lists merge by key — each with labels and a config
 * four levels deep).
 */
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startCluster } from '../lib/sim/index.ts';

const MIB = 1024 * 1024;

export type Shape = 'configmap' | 'secret' | 'cr';
export type Op = 'create' | 'update' | 'apply';

export interface LargeWriteRow {
  shape: Shape;
  mib: number;
  bytes: number;
  op: Op;
  status: number;
  /** Median wall time of the request, as the client saw it (ms). */
  writeMs: number;
  /** Median of each rep's longest gap between two health answers while the write was in flight (ms). */
  healthGapMs: number;
  /** The longest such gap over the reps (ms). */
  healthGapMaxMs: number;
  /** Health checks answered while the write was in flight (median). */
  healthAnswers: number;
}

const GROUP = 'bench.kubexpect.io';

/** A body of about `bytes` bytes of JSON for the shape, with `marker` in one value (updates change it). */
export function largeObject(
  shape: Shape,
  name: string,
  bytes: number,
  marker = 'a',
): Record<string, unknown> {
  if (shape === 'configmap') {
    const keys = Math.floor(bytes / 64);
    const pad = 64 - 24 - 6; // "key-000000.properties":"…", with quotes, colon and comma
    const data: Record<string, string> = {};
    for (let i = 0; i < keys; i++)
      data[`key-${String(i).padStart(6, '0')}.properties`] = `${marker}${'v'.repeat(pad - 1)}`;
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'bench' } }, data };
  }
  if (shape === 'secret') {
    const keys = Math.floor(bytes / (4096 + 24));
    const value = Buffer.alloc(3072, 7).toString('base64').slice(1);
    const data: Record<string, string> = {};
    for (let i = 0; i < keys; i++)
      data[`cert-${String(i).padStart(5, '0')}.pem`] = `${marker === 'a' ? 'Q' : 'R'}${value}`;
    return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data };
  }
  const items = [];
  for (let i = 0, size = 100; size < bytes; i++) {
    const labels: Record<string, string> = {};
    for (let l = 0; l < 8; l++) labels[`bench.kubexpect.io/label-${l}`] = `value-${i}-${l}`;
    items.push({
      name: `shard-${String(i).padStart(5, '0')}`,
      replicas: 3,
      labels,
      // Long enough that 3 MiB stays under the 50,000-value limit (about 40 values a shard).
      description: `shard ${i}: ${'lorem ipsum dolor sit amet '.repeat(80)}`,
      config: {
        storage: { size: '10Gi', class: { name: 'standard', parameters: { fsType: 'ext4', iops: '3000' } } },
        postgres: {
          parameters: { max_connections: '100', shared_buffers: `${i === 0 ? marker : 'b'}256MB` },
        },
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
        affinity: { topologyKey: 'kubernetes.io/hostname', enablePodAntiAffinity: true },
      },
    });
    size += JSON.stringify(items[i]).length + 1;
  }
  return { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name }, spec: { containers: items } };
}

function widgetCrd(): Record<string, unknown> {
  return {
    metadata: { name: `widgets.${GROUP}` },
    spec: {
      group: GROUP,
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          },
        },
      ],
    },
  };
}

function collection(shape: Shape): string {
  if (shape === 'cr') return `/apis/${GROUP}/v1/namespaces/default/widgets`;
  return `/api/v1/namespaces/default/${shape === 'configmap' ? 'configmaps' : 'secrets'}`;
}

/** The worker: a back-to-back health prober, and the writer that the main thread drives. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { performance } = require('node:perf_hooks');
const base = workerData.url;
const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
const writeAgent = new Agent({ keepAlive: false });
function call(agent, method, path, body, type) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) };
    const req = request(base + path, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const answers = [];
const probing = true;
(async () => {
  while (probing) {
    try {
      await call(probeAgent, 'GET', '/healthz');
    } catch {
      continue; // a keep-alive socket the server closed: probe again on a fresh one
    }
    answers.push(performance.now());
    if (answers.length > 200000) answers.splice(0, 100000);
  }
})();
parentPort.on('message', async (m) => {
  const start = performance.now();
  const out = await call(writeAgent, m.method, m.path, m.body, m.type).catch((err) => ({ status: 0, body: String(err) }));
  const end = performance.now();
  // Wait for the first health answer after the write's: the probe that waited behind it closes the last gap.
  while (!(answers[answers.length - 1] > end)) await new Promise((r) => setTimeout(r, 5));
  let gap = 0, last = start, during = 0;
  for (const t of answers) {
    if (t <= start) continue;
    gap = Math.max(gap, t - last);
    last = t;
    if (t > end) break;
    during++;
  }
  parentPort.postMessage({ status: out.status, error: out.status >= 300 || out.status === 0 ? out.body.slice(0, 300) : undefined,
    writeMs: end - start, gapMs: gap, answers: during });
});
`;

interface WriteAnswer {
  status: number;
  error?: string;
  writeMs: number;
  gapMs: number;
  answers: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x);

export interface LargeWritesOptions {
  reps: number;
  sizes: number[];
  shapes: Shape[];
  ops: Op[];
}

export async function runLargeWrites(
  options: LargeWritesOptions,
  log = console.log,
): Promise<LargeWriteRow[]> {
  const cluster = await startCluster({ seed: 7 });
  const worker = new Worker(WORKER, { eval: true, workerData: { url: cluster.url } });
  let resolveNext: ((a: WriteAnswer) => void) | undefined;
  worker.on('message', (a: WriteAnswer) => resolveNext?.(a));
  const write = (method: string, path: string, body: unknown, type = 'application/json') =>
    new Promise<WriteAnswer>((resolve) => {
      resolveNext = resolve;
      worker.postMessage({ method, path, body: JSON.stringify(body), type });
    });
  const rows: LargeWriteRow[] = [];
  try {
    if (options.shapes.includes('cr')) {
      cluster.api.create(
        cluster.api.resource('apiextensions.k8s.io', 'customresourcedefinitions'),
        undefined,
        widgetCrd(),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const shape of options.shapes) {
      for (const mib of options.sizes) {
        const bytes = Math.round(mib * MIB) - 8 * 1024;
        const answers = new Map<Op, WriteAnswer[]>(options.ops.map((op) => [op, []]));
        for (let rep = 0; rep < options.reps; rep++) {
          const name = `large-${mib}-${rep}`;
          const path = collection(shape);
          const created = await write('POST', `${path}?fieldManager=bench`, largeObject(shape, name, bytes));
          if (created.status !== 201)
            throw new Error(`create ${shape} ${mib} MiB: ${created.status} ${created.error}`);
          answers.get('create')?.push(created);
          if (options.ops.includes('update')) {
            const a = await write(
              'PUT',
              `${path}/${name}?fieldManager=bench`,
              largeObject(shape, name, bytes, 'b'),
            );
            answers.get('update')!.push(a);
          }
          if (options.ops.includes('apply')) {
            const a = await write(
              'PATCH',
              `${path}/${name}?fieldManager=bench-apply&force=true`,
              largeObject(shape, name, bytes, 'c'),
              'application/apply-patch+yaml',
            );
            answers.get('apply')!.push(a);
          }
          await write('DELETE', `${path}/${name}`, undefined);
        }
        for (const op of options.ops) {
          const list = answers.get(op)!;
          const row: LargeWriteRow = {
            shape,
            mib,
            bytes: JSON.stringify(largeObject(shape, 'large-0-0', bytes)).length,
            op,
            status: list[0]!.status,
            writeMs: round(median(list.map((a) => a.writeMs))),
            healthGapMs: round(median(list.map((a) => a.gapMs))),
            healthGapMaxMs: round(Math.max(...list.map((a) => a.gapMs))),
            healthAnswers: median(list.map((a) => a.answers)),
          };
          if (list.some((a) => a.error)) log(`  ${op}: ${list.find((a) => a.error)!.error}`);
          rows.push(row);
          log(
            `${shape.padEnd(9)} ${mib} MiB ${op.padEnd(6)} ${row.status}  write ${row.writeMs} ms  longest health gap ${row.healthGapMs} ms (max ${row.healthGapMaxMs})  health answers ${row.healthAnswers}`,
          );
        }
      }
    }
  } finally {
    await worker.terminate();
    await cluster.stop();
  }
  return rows;
}

/** The rows as the BENCHMARKS.md table. */
export function largeWritesTable(rows: LargeWriteRow[]): string {
  const lines = [
    '| shape | body | operation | status | write (ms, median) | longest health-check gap (ms, median / max) |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.shape} | ${(r.bytes / MIB).toFixed(2)} MiB | ${r.op} | ${r.status} | ${r.writeMs} | ${r.healthGapMs} / ${r.healthGapMaxMs} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '3' },
      sizes: { type: 'string', default: '1,2,3' },
      shapes: { type: 'string', default: 'configmap,secret,cr' },
      ops: { type: 'string', default: 'create,update,apply' },
      json: { type: 'string' },
    },
  });
  const started = performance.now();
  const load = loadavg()[0]!.toFixed(1);
  const rows = await runLargeWrites({
    reps: Number(values.reps),
    sizes: values.sizes.split(',').map(Number),
    shapes: values.shapes.split(',') as Shape[],
    ops: values.ops.split(',') as Op[],
  });
  console.log(
    `\n1-minute load average ${load} at the start, ${loadavg()[0]!.toFixed(1)} at the end; ${round((performance.now() - started) / 1000)} s\n`,
  );
  console.log(largeWritesTable(rows));
  if (values.json) writeFileSync(values.json, JSON.stringify({ load, rows }, null, 2));
}
