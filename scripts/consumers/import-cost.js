#!/usr/bin/env node
// npm run bench:package: what loading kubexpect costs a fresh process, compiled (dist/, what an
// installed package runs) beside the sources through tsx (how this repository's tests run them).
// Each row is the median of RUNS cold processes: wall time from spawn to exit, the import alone, and
// RSS once the import is done. Writes bench/package-cost.json and the "Package cost" section of
// BENCHMARKS.md (bench/report.ts keeps it when it regenerates the file).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.KUBEXPECT_BENCH_RUNS || 7);
const COMMAND = 'npm run bench:package';
const ENTRIES = ['kubexpect', 'kubexpect/dsl', 'kubexpect/cnpg', 'kubexpect/sim'];
const VARIANTS = [
  { name: 'compiled (dist/)', args: [] },
  { name: 'sources (tsx)', args: ['--import', 'tsx', '--conditions', 'kubexpect-source'] },
];
/** Plain Node, and Node with only @kubernetes/client-node: the floor kubexpect sits on. */
const FLOORS = [
  { name: 'plain node (no import)', entry: undefined },
  { name: 'node + @kubernetes/client-node only', entry: '@kubernetes/client-node' },
];

function measure(nodeArgs, entry) {
  const code = entry
    ? `const t = performance.now(); await import(${JSON.stringify(entry)}); const ms = performance.now() - t; console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss }));`
    : 'console.log(JSON.stringify({ ms: 0, rss: process.memoryUsage().rss }));';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} importing ${entry}: ${r.stderr}`);
  const { ms, rss } = JSON.parse(r.stdout.trim().split('\n').at(-1));
  return { wallMs, importMs: ms, rssMb: rss / 1024 / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function row(name, entry, nodeArgs) {
  const samples = Array.from({ length: RUNS }, () => measure(nodeArgs, entry));
  return {
    variant: name,
    entry: entry ?? '—',
    wallMs: median(samples.map((s) => s.wallMs)),
    importMs: median(samples.map((s) => s.importMs)),
    rssMb: median(samples.map((s) => s.rssMb)),
  };
}

/**
 * The scale benchmark's client (bench/scale-run.ts: 1,000 assertions over 5,000 pods on 100 nodes)
 * compiled by tsc (the library's files compile to what dist/ holds) and through tsx, each against
 * its own embedded cluster in a separate process (bench/scale-server.ts, through tsx).
 */
async function scaleRun() {
  // Inside the repository (.cache is ignored by git), so the compiled files resolve its node_modules.
  mkdirSync(join(root, '.cache'), { recursive: true });
  const out = mkdtempSync(join(root, '.cache', 'scale-compiled-'));
  try {
    const tsc = join(
      dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
      'bin',
      'tsc',
    );
    const tscArgs = ['--ignoreConfig', 'bench/scale-run.ts', '--outDir', out, '--rootDir', '.'];
    tscArgs.push('--module', 'nodenext', '--target', 'es2023', '--rewriteRelativeImportExtensions');
    tscArgs.push('--skipLibCheck', '--types', 'node');
    spawnSync(process.execPath, [tsc, ...tscArgs], { cwd: root, encoding: 'utf8' });
    const compiled = join(out, 'bench', 'scale-run.js');
    if (!existsSync(compiled)) throw new Error('bench:package: tsc did not emit bench/scale-run.js');
    const tsx = ['--import', 'tsx', '--conditions', 'kubexpect-source'];
    const sizes = { nodes: 100, pods: 5000, assertions: 1000 };
    const variants = [];
    for (const [name, client] of [
      ['compiled', [compiled]],
      ['sources (tsx)', [...tsx, join(root, 'bench', 'scale-run.ts')]],
    ]) {
      process.stderr.write(`bench:package: scale run, client ${name}\n`);
      variants.push({ variant: name, ...(await scaleOnce(tsx, client, sizes, out)) });
    }
    return { ...sizes, variants };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function scaleOnce(serverArgs, clientArgs, sizes, dir) {
  const serverScript = join(root, 'bench', 'scale-server.ts');
  const server = spawn(
    process.execPath,
    [...serverArgs, serverScript, String(sizes.nodes), String(sizes.pods)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    if (first.done) throw new Error('the scale server exited before it was ready');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.parse(first.value).kubeconfig, { mode: 0o600 });
    const r = spawnSync(process.execPath, [...clientArgs, kubeconfig, String(sizes.assertions)], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0) throw new Error(`the scale client failed: ${r.stderr}`);
    const client = JSON.parse(r.stdout.trim().split('\n').at(-1));
    server.stdin.end();
    await lines.next();
    const { rssBeforeWorkMB, peakRssMB, lastChangeToAllVerdictsMs, verdicts } = client;
    return { rssBeforeWorkMB, peakRssMB, lastChangeToAllVerdictsMs, verdicts };
  } finally {
    if (server.exitCode === null) server.kill();
  }
}

function scaleSection(scale) {
  return [
    `The scale run's client (§3: ${scale.assertions} \`eventuallyPod(...).toBeRunning()\` assertions over ${scale.pods} pods on ${scale.nodes} nodes, the embedded cluster in its own process), compiled by tsc (the library's files compile to what dist/ holds) beside the same client through tsx:`,
    '',
    '| client | RSS before the first request (MB) | peak RSS (MB) | peak less the start (MB) | last change → all verdicts (ms) | verdicts |',
    '|---|---|---|---|---|---|',
    ...scale.variants.map(
      (v) =>
        `| ${v.variant} | ${v.rssBeforeWorkMB} | ${v.peakRssMB} | ${(v.peakRssMB - v.rssBeforeWorkMB).toFixed(1)} | ${Math.round(v.lastChangeToAllVerdictsMs)} | ${v.verdicts} |`,
    ),
    '',
  ];
}

process.stderr.write('bench:package: building dist/\n');
execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const started = new Date().toISOString();
const load = loadavg()[0];
const rows = [];
for (const floor of FLOORS) rows.push(row(floor.name, floor.entry, []));
for (const entry of ENTRIES) {
  for (const variant of VARIANTS) {
    process.stderr.write(`bench:package: ${entry}, ${variant.name}\n`);
    rows.push(row(variant.name, entry, variant.args));
  }
}
const scale = process.env.KUBEXPECT_BENCH_SCALE === '0' ? undefined : await scaleRun();

const results = {
  command: COMMAND,
  started,
  runs: RUNS,
  machine: `Node ${process.version} on ${process.platform} ${process.arch}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}; 1-minute load average ${load.toFixed(2)} at the start`,
  rows,
  scale,
};
writeFileSync(
  new URL('../../bench/package-cost.json', import.meta.url),
  `${JSON.stringify(results, null, 2)}\n`,
);

const f = (n) => n.toFixed(0);
const section = [
  '## Package cost: compiled beside sources',
  '',
  `Command: \`${COMMAND}\` (scripts/consumers/import-cost.js) — ${started}, median of ${RUNS} cold processes per row.  `,
  `Machine: ${results.machine}.`,
  '',
  'A fresh `node` process imports one entry point and exits: wall time from spawn to exit (Node start, loader, import), the import alone, and RSS once it is done. "compiled" is `dist/`, what `npm install kubexpect` runs; "sources" is `node --import tsx --conditions kubexpect-source`, how this repository runs its tests.',
  '',
  '| entry point | variant | process wall (ms) | import (ms) | RSS after import (MB) |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) => `| ${r.entry} | ${r.variant} | ${f(r.wallMs)} | ${f(r.importMs)} | ${r.rssMb.toFixed(1)} |`,
  ),
  '',
  ...(scale ? scaleSection(scale) : []),
].join('\n');
writeFileSync(new URL('../../bench/package-cost.md', import.meta.url), section);

// Replace the section in BENCHMARKS.md (or add it at the end).
const mdPath = new URL('../../BENCHMARKS.md', import.meta.url);
const md = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# kubexpect benchmarks\n';
const at = md.indexOf('## Package cost: compiled beside sources');
let next = at < 0 ? -1 : md.indexOf('\n## ', at + 1);
if (next >= 0) next += 1;
const updated =
  at < 0
    ? `${md.trimEnd()}\n\n${section}`
    : `${md.slice(0, at)}${section}${next >= 0 ? `\n${md.slice(next)}` : ''}`;
writeFileSync(mdPath, updated);
process.stderr.write(
  'bench:package: wrote bench/package-cost.json, bench/package-cost.md and BENCHMARKS.md\n',
);
