/**
 * `npm run differential`: the corpus against the embedded cluster and a real control plane, side by
 * side, each sequence in a fresh namespace on both; answers normalised and compared; the table goes
 * to reports/differential.md and one agreement line is printed. Mismatches never fail the run; a
 * real answer that departs from what the corpus declares, or a transport error on the real side,
 * does (the corpus must be right about the real server).
 *
 *   npm run differential [-- --only THEME/NAME-PART] [--concurrency N] [--record]
 *                        [--real-kubeconfig FILE --sim-kubeconfig FILE]
 *
 * --record also rewrites the differential's section of BENCHMARKS.md (between its markers only).
 * With both kubeconfigs it uses those servers instead of starting its own (the simulator's may be
 * plain http without credentials). Use throwaway clusters only: the corpus creates namespaces and
 * cluster-scoped objects, and installs CloudNativePG's CRD.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus } from './corpus.ts';
import { Target } from './http.ts';
import { agreementLine, renderBenchmarks, renderReport, type SequenceResult, tally } from './report.ts';
import { cleanUp, runSequence } from './sequence.ts';

const REPORT_PATH = fileURLToPath(new URL('../../reports/differential.md', import.meta.url));
const BENCHMARKS_PATH = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const MARK_START = '<!-- differential -->';
const MARK_END = '<!-- /differential -->';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'real-kubeconfig': { type: 'string' },
    'sim-kubeconfig': { type: 'string' },
    report: { type: 'string', default: REPORT_PATH },
    record: { type: 'boolean', default: false },
  },
});
const concurrency = Number(args.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
  throw new TypeError(
    `--concurrency must be an integer from 1 to 32, got ${JSON.stringify(args.concurrency)}`,
  );
}
if (Boolean(args['real-kubeconfig']) !== Boolean(args['sim-kubeconfig'])) {
  throw new TypeError(
    'give both --real-kubeconfig and --sim-kubeconfig, or neither (then both clusters are started here)',
  );
}

const log = (line: string) => process.stderr.write(`differential: ${line}\n`);
const started = Date.now();
const corpus = loadCorpus().filter((s) => !args.only || `${s.theme}/${s.name}`.includes(args.only));
log(`${corpus.length} sequences from bench/differential/corpus`);

const stops: (() => Promise<void>)[] = [];
let real: Target;
let sim: Target;
if (args['real-kubeconfig'] && args['sim-kubeconfig']) {
  real = await Target.fromKubeconfig('real', args['real-kubeconfig']);
  sim = await Target.fromKubeconfig('sim', args['sim-kubeconfig']);
} else {
  const [{ startControlPlane }, { startCluster }] = await Promise.all([
    import('../../lib/controlplane/index.ts'),
    import('../../lib/sim/index.ts'),
  ]);
  log('starting a real control plane (preset kind) and the embedded cluster (preset kind)');
  const [plane, cluster] = await Promise.all([
    startControlPlane({ preset: 'kind', onProgress: (l) => log(`control plane: ${l}`) }),
    startCluster({ preset: 'kind' }),
  ]);
  stops.push(
    () => plane.stop(),
    () => cluster.stop(),
  );
  real = await Target.fromKubeconfig('real', plane.kubeconfig);
  sim = await Target.fromKubeconfig('sim', cluster.kubeconfig, true);
  log(`both up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function versionOf(target: Target): Promise<string> {
  const v = await target
    .request({ method: 'GET', path: '/version', headers: { accept: 'application/json' }, timeoutMs: 10_000 })
    .catch(() => undefined);
  const body = v?.body as { gitVersion?: unknown } | undefined;
  return typeof body?.gitVersion === 'string' ? body.gitVersion : 'unknown';
}
const [realVersion, simVersion] = await Promise.all([versionOf(real), versionOf(sim)]);

// Short and unique per run, so a rerun against the same servers never meets an old namespace.
const run = Date.now().toString(36).slice(-5);
const results: SequenceResult[] = new Array(corpus.length);
let next = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < corpus.length) {
    const index = next++;
    const seq = corpus[index] as (typeof corpus)[number];
    const ns = `dx-${run}-${index}`;
    const [r, s] = await Promise.all([
      runSequence(real, 'real', seq, ns, run),
      runSequence(sim, 'sim', seq, ns, run),
    ]);
    results[index] = { seq, real: r, sim: s };
    await Promise.all([cleanUp(real, seq, ns, run), cleanUp(sim, seq, ns, run)]);
    done++;
    if (done % 25 === 0) log(`${done}/${corpus.length} sequences`);
  }
}
try {
  await Promise.all(Array.from({ length: Math.min(concurrency, corpus.length) }, worker));
} finally {
  real.close();
  sim.close();
  await Promise.all(stops.map((stop) => stop().catch((e: unknown) => log(`stopping: ${String(e)}`))));
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
const info = {
  command: `npm run differential${args.only ? ` -- --only ${args.only}` : ''}`,
  date: new Date().toISOString(),
  servers: `real ${realVersion}, embedded ${simVersion}`,
  'wall time': `${seconds} s (concurrency ${concurrency}, 1-minute load average ${loadavg()[0]?.toFixed(1)} at the end)`,
};
mkdirSync(dirname(args.report), { recursive: true });
writeFileSync(args.report, renderReport(results, info));
if (args.record) {
  const section = `${MARK_START}\n${renderBenchmarks(results, info)}\n${MARK_END}`;
  const text = readFileSync(BENCHMARKS_PATH, 'utf8');
  const start = text.indexOf(MARK_START);
  const end = text.indexOf(MARK_END);
  writeFileSync(
    BENCHMARKS_PATH,
    start >= 0 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + MARK_END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`,
  );
  log(`recorded the figure in ${BENCHMARKS_PATH}`);
}

// The corpus is validated against the real server: any departure fails the run.
const corpusErrors: string[] = [];
for (const r of results) {
  for (const p of r.real.problems) corpusErrors.push(`${r.seq.theme}/${r.seq.name}: ${p}`);
  r.real.steps.forEach((o, i) => {
    for (const p of o.problems) corpusErrors.push(`${r.seq.theme}/${r.seq.name} step ${i + 1}: ${p}`);
  });
}
for (const e of corpusErrors) log(`CORPUS ERROR ${e}`);
const line = `${agreementLine(tally(results))}; table in ${args.report} (${seconds} s)`;
process.stdout.write(`${line}\n`);
if (corpusErrors.length > 0) {
  log(`${corpusErrors.length} real answers depart from the corpus: the run fails`);
  process.exit(1);
}
process.exit(0);
