/**
 * BENCHMARKS.md, rendered from bench/results.json (`npm run bench`) and bench/truth-results.json
 * (`npm run truth`): every table with the command that produced it, the targets, and where a
 * target is missed, the gap and what would close it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './benchmarks.ts';
import type { Machine } from './support/machine.ts';
import { type Tally, TRUTH_FAULTS, type TruthReport } from './truth/harness.ts';

export const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));
export const TRUTH_PATH = fileURLToPath(new URL('./truth-results.json', import.meta.url));
export const MARKDOWN_PATH = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

export interface TruthResults {
  command: string;
  date: string;
  machine: Machine;
  wallSeconds: number;
  report: TruthReport;
}

const table = (head: string[], rows: (string | number)[][]): string =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const round1 = (x: number) => Math.round(x * 10) / 10;
const met = (ok: boolean) => (ok ? '**met**' : '**missed**');

function machineLine(m: Machine): string {
  return `Node ${m.node} on ${m.platform}, ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM; 1-minute load average ${m.loadAverage1m} at the start (the machine is shared with other work, so timings move with it).`;
}

function renderBench(b: BenchResults): { body: string; targets: string[][] } {
  const out: string[] = [];
  const targets: string[][] = [];
  out.push(
    `Command: \`${b.command}\` — ${b.date}, ${b.wallSeconds} s in all.  `,
    `Machine: ${machineLine(b.machine)}`,
    '',
  );

  out.push('### 1. Detection latency', '');
  out.push(
    'From the moment the embedded server stores a pod status write (Running, written over HTTP; the time is read by a server-side watch whose callback runs inside the store write) to the assertion resolving in the client. kubexpect: `eventuallyPod(...).toBeRunning()` on a warm shared watch cache, samples one after another. Baseline: a p-retry loop GETting the pod at a fixed interval, the change landing at a uniformly random moment of the cycle, samples concurrently.',
    '',
  );
  out.push(
    table(
      ['method', 'samples', 'p50 (ms)', 'p99 (ms)', 'max (ms)'],
      b.detection.rows.map((r) => [
        r.method,
        r.latencyMs.n,
        r.latencyMs.p50,
        r.latencyMs.p99,
        r.latencyMs.max,
      ]),
    ),
    '',
  );
  const k = b.detection.rows[0]!;
  targets.push([
    'p50 detection under 5 ms',
    `${k.latencyMs.p50} ms (p99 ${k.latencyMs.p99} ms)`,
    met(k.latencyMs.p50 < 5),
  ]);

  out.push('### 2. API load', '');
  out.push(
    `Requests the API server answered while N assertions each waited on its own pod over the same ${b.apiLoad.windowMs / 1000} s window (counted by the embedded server, \`cluster.requestCounts()\`; the pods are created and changed server-side so only the assertions' requests count). kubexpect shares one list+watch per namespace between all assertions; the baseline GETs each pod every ${b.apiLoad.pollIntervalMs / 1000} s with p-retry. Polling grows with the window; kubexpect's count does not.`,
    '',
  );
  out.push(
    table(
      [
        'assertions',
        'kubexpect requests',
        'kubexpect by verb',
        `polling every ${b.apiLoad.pollIntervalMs / 1000} s`,
        'ratio',
      ],
      b.apiLoad.rows.map((r) => [
        r.assertions,
        r.kubexpectRequests,
        Object.entries(r.kubexpectByVerb)
          .map(([v, n]) => `${v} ${n}`)
          .join(', '),
        r.pollingRequests,
        `${r.ratio}×`,
      ]),
    ),
    '',
  );
  const at100 = b.apiLoad.rows.find((r) => r.assertions === 100);
  if (at100)
    targets.push([
      '≥100× fewer requests than 1 s polling at 100 assertions',
      `${at100.ratio}× (${at100.kubexpectRequests} vs ${at100.pollingRequests} over ${b.apiLoad.windowMs / 1000} s)`,
      met(at100.ratio >= 100),
    ]);

  const s = b.scale;
  out.push('### 3. Scale', '');
  out.push(
    `${s.nodes} nodes, ${s.pods} pods in one namespace, ${s.assertions} concurrent \`eventuallyPod(...).toBeRunning()\` assertions; then every target pod's status is written Running over HTTP (20 writers). The embedded cluster runs in its own process, the assertions in another, so each RSS is its own; in \`npm test\` the simulator lives in the test process, and its objects add to that RSS.`,
    '',
  );
  out.push(
    table(
      ['figure', 'value'],
      [
        [
          'last write sent → all verdicts (bounds last change stored → all verdicts from above)',
          `${s.client.lastChangeToAllVerdictsMs} ms`,
        ],
        [
          'first write sent → all verdicts (includes the 1,000 writes)',
          `${s.client.firstChangeToAllVerdictsMs} ms`,
        ],
        [
          'assertions started → all listed and watching (one LIST of every pod)',
          `${s.client.assertionsObservingMs} ms`,
        ],
        ['verdicts', s.client.verdicts],
        [
          'client RSS before the first request (Node, tsx, kubexpect and client-node loaded)',
          `${s.client.rssBeforeWorkMB} MB`,
        ],
        [
          'client peak RSS (the above, plus the cache of every pod and the assertions)',
          `${s.client.peakRssMB} MB`,
        ],
        [
          'client CPU (whole process / from the first write to the last verdict)',
          `${s.client.cpuMs} ms / ${s.client.cpuDuringVerdictsMs} ms`,
        ],
        [
          'embedded cluster RSS after creating the objects / peak',
          `${s.server.rssAfterSetupMB} MB / ${s.server.peakRssMB} MB`,
        ],
        ['embedded cluster CPU (whole process)', `${s.server.cpuMs} ms`],
      ],
    ),
    '',
  );
  targets.push([
    'scale: verdicts within 1 s of the last change',
    `${s.client.lastChangeToAllVerdictsMs} ms`,
    met(s.client.lastChangeToAllVerdictsMs < 1000),
  ]);
  targets.push([
    'scale: under 300 MB RSS',
    `client ${s.client.peakRssMB} MB peak, ${round1(s.client.peakRssMB - s.client.rssBeforeWorkMB)} MB of it for the work; the simulator's process ${s.server.peakRssMB} MB`,
    met(s.client.peakRssMB < 300),
  ]);

  out.push('### 4. The embedded cluster', '');
  out.push(
    `Loopback, raw \`node:http\` keep-alive clients (no client library) in the server's own process and event loop, so these are floors. ${b.server.pods} pods in the namespace; each figure measured for ${b.server.durationMs / 1000} s.`,
    '',
  );
  out.push(
    table(
      ['operation', 'clients', 'per second', 'total', 'errors'],
      b.server.rows.map((r) => [r.operation, r.clients, r.perSecond, r.total, r.errors]),
    ),
    '',
  );

  out.push('### 5. Suite', '');
  if (b.suite) {
    const rows = [b.suite.specs, ...(b.suite.npmTest ?? [])].map((r) => [
      `\`${r.command}\``,
      `${r.wallSeconds} s`,
      r.exitCode,
      r.passes === undefined ? '' : `${r.passes} passed, ${r.failures} failed, ${r.pending} pending`,
      r.byPreset
        ? Object.entries(r.byPreset)
            .map(([p, sec]) => `${p} ${sec} s`)
            .join(', ')
        : '',
    ]);
    out.push(
      table(['command', 'wall time', 'exit code', 'tests', 'spec time by preset'], rows),
      '',
      'The sample specs run on both embedded presets (kind: node-pinned storage; cloud: storage that follows the pod) in one mocha process.',
      '',
    );
    if (b.suite.npmTest) {
      const steps = b.suite.npmTest;
      const total = Math.round(steps.reduce((a, x) => a + x.wallSeconds, 0) * 10) / 10;
      const mocha = steps[steps.length - 1]!;
      out.push(
        `\`npm test\` runs the last three steps one after the other: ${total} s in all. Slowest test files in that mocha run (sum of their tests' durations):`,
        '',
        table(
          ['file', 'seconds'],
          (mocha.slowestFiles ?? []).map((f) => [`\`${f.file}\``, f.seconds]),
        ),
        '',
      );
      if (mocha.failedTests?.length) {
        out.push(
          `Tests that failed in that run (${mocha.failedTests.length}; the wall time counts them as run):`,
          '',
          ...mocha.failedTests.map((t) => `- ${t}`),
          '',
        );
      }
      targets.push([
        'whole default `npm test` under 2 minutes on this 2-core machine',
        `${total} s (typecheck + lint + mocha; mocha exit ${mocha.exitCode})`,
        met(total < 120),
      ]);
    }
  } else {
    out.push('Not measured in this run.', '');
  }
  return { body: out.join('\n'), targets };
}

const rate = (t: Tally) => (t.runs === 0 ? '' : `${((100 * (t.runs - t.correct)) / t.runs).toFixed(1)}%`);

function renderTruth(t: TruthResults): { body: string; targets: string[][] } {
  const r = t.report;
  const out: string[] = [];
  out.push(
    `Command: \`${t.command}\` — ${t.date}, ${t.wallSeconds} s in all.  `,
    `Machine: ${machineLine(t.machine)}`,
    '',
    `Each run: a pod on a PVC runs on one node of its slot of ${3} nodes; the node is cordoned and the pod evicted (deleted with its grace period, as an eviction without a PDB does); a workload controller recreates it under the same name, as CloudNativePG does. On node-pinned storage (rancher.io/local-path, WaitForFirstConsumer) the new instance stays Pending (Unschedulable); on movable storage (Ceph RBD CSI, attach required) it starts on another node once the volume is detached and attached, after a delay drawn per configuration around the naive assertion's 5 s poll. Negative controls: **stays** (cordoned, never evicted), **returns** (a buggy operator puts the new instance back on the drained node), **uncordoned** (evicted without the cordon: pinned storage brings it back to the same node; on movable storage the scheduler chooses, so these are negatives only when it chose the same node). The whole scenario runs at time scale ${r.plan.timeScale}, the naive poll included (5 s → ${5000 * r.plan.timeScale} ms). Faults on: ${Math.round((TRUTH_FAULTS.errorRate ?? 0) * 100)}% of requests answered ${(TRUTH_FAULTS.errorCodes ?? []).join(', ')} (429 with Retry-After ${TRUTH_FAULTS.retryAfterSeconds} s), every watch stream closed ${TRUTH_FAULTS.closeWatchesEverySeconds} s after it opens, and resumes after a close answered 410 Expired, all in real time.`,
    '',
    "Assertions: **naive** — GET the pod every 5 s (scaled), pass when `status.phase == Pending`, 30 s budget (scaled); **kubexpect** — `eventuallyPod(conn, ns, name).toBeRescheduledOrPending({ from, baseline })`, started before or after the drain at random, and at random with `expect: 'auto'`. Ground truth is what the simulator did, recorded by a server-side watch on the run's namespace: the first state of a new instance that is Unschedulable (pending), bound to another node (rescheduled) or bound to the drained node (returned). A verdict is right when it passes exactly when that first decisive state is pending or rescheduled (for kubexpect: before it settled, and with the same outcome kind).",
    '',
  );
  out.push(
    table(
      ['faults', 'assertion', 'runs', 'right', 'false passes', 'false failures', 'wrong'],
      r.totals.flatMap((x) => [
        [
          x.faults ? 'on' : 'off',
          'naive (Pending, polled every 5 s)',
          x.naive.runs,
          x.naive.correct,
          x.naive.falsePasses,
          x.naive.falseFailures,
          rate(x.naive),
        ],
        [
          x.faults ? 'on' : 'off',
          'kubexpect `toBeRescheduledOrPending`',
          x.elastic.runs,
          x.elastic.correct,
          x.elastic.falsePasses,
          x.elastic.falseFailures + x.elastic.wrongOutcomeKind,
          rate(x.elastic),
        ],
      ]),
    ),
    '',
    'By kind of run (naive wrong / kubexpect wrong, of runs):',
    '',
    table(
      ['faults', 'positive', 'stays', 'returns', 'uncordoned'],
      r.totals.map((x) => [
        x.faults ? 'on' : 'off',
        ...(['positive', 'stays', 'returns', 'uncordoned'] as const).map((k) => {
          const v = x.byKind[k];
          return `${v.naive.runs - v.naive.correct} / ${v.elastic.runs - v.elastic.correct} of ${v.elastic.runs}`;
        }),
      ]),
    ),
    '',
    "kubexpect by call (wrong of runs): `toBeRescheduledOrPending({ from, baseline })` accepts either outcome; with `expect: 'auto'` the sample specs' way, it asks lib/storage which outcome the pod's storage allows and is judged against that outcome only:",
    '',
    table(
      ['faults', 'either outcome', "expect: 'auto'"],
      r.totals.map((x) => [
        x.faults ? 'on' : 'off',
        ...(['either', 'auto'] as const).map((k) => {
          const v = x.byExpect?.[k];
          return v ? `${v.runs - v.correct} of ${v.runs}` : '';
        }),
      ]),
    ),
    '',
    'By configuration (one embedded cluster each):',
    '',
    table(
      [
        'storage',
        'faults',
        'attach delay (realistic)',
        'new instance Pending before Running, p50',
        'runs',
        'naive wrong',
        'kubexpect wrong',
        'wall time',
      ],
      r.configs.map((c) => [
        c.storage,
        c.faults ? 'on' : 'off',
        c.attachMs ? `${c.attachMs.min / 1000}–${c.attachMs.max / 1000} s` : '(pinned)',
        c.pendingWindowP50s === undefined ? 'stays Pending' : `${c.pendingWindowP50s} s`,
        c.runs,
        `${c.naive.runs - c.naive.correct} (${rate(c.naive)})`,
        `${c.elastic.runs - c.elastic.correct}`,
        `${c.wallSeconds} s`,
      ]),
    ),
    '',
  );
  if (r.elasticWrong.length > 0) {
    out.push(
      'kubexpect wrong verdicts (every one):',
      '',
      '```json',
      JSON.stringify(r.elasticWrong, null, 1),
      '```',
      '',
    );
  }
  const withFaults = r.totals.find((x) => x.faults);
  const wrong = r.totals.reduce((a, x) => a + (x.elastic.runs - x.elastic.correct), 0);
  const targets: string[][] = [
    [
      'zero wrong kubexpect verdicts over ≥1,000 runs with faults',
      `${wrong} wrong of ${r.totals.reduce((a, x) => a + x.runs, 0)} runs (${withFaults?.runs ?? 0} with faults)`,
      met(wrong === 0 && (withFaults?.runs ?? 0) >= 1000),
    ],
  ];
  if (withFaults) {
    targets.push([
      'naive flake rate shown beside it',
      `${rate(withFaults.naive)} wrong with faults; ${rate(r.totals.find((x) => !x.faults)?.naive ?? withFaults.naive)} without`,
      '—',
    ]);
  }
  return { body: out.join('\n'), targets };
}

export function renderMarkdown(
  bench: BenchResults | undefined,
  truth: TruthResults | undefined,
  gaps: string,
): string {
  const b = bench ? renderBench(bench) : undefined;
  const t = truth ? renderTruth(truth) : undefined;
  const targets = [...(b?.targets ?? []), ...(t?.targets ?? [])];
  return [
    '# kubexpect benchmarks',
    '',
    'Measured on the embedded cluster, each figure against its baseline in the same run. Regenerate with `npm run bench` (benchmarks, 3–5 minutes here) and `npm run truth` (verdict truth, about 5 minutes); raw figures are in `bench/results.json` and `bench/truth-results.json`. This file is generated by `bench/report.ts`.',
    '',
    '## Targets',
    '',
    table(['target', 'figure', 'status'], targets),
    '',
    gaps,
    '',
    '## Benchmarks',
    '',
    b ? b.body : 'Not run yet: `npm run bench`.',
    '',
    '## Verdict truth',
    '',
    t ? t.body : 'Not run yet: `npm run truth`.',
    '',
  ].join('\n');
}

/** Gaps and what would close them: kept by hand beside the generator, reviewed with each run. */
export const GAPS_PATH = fileURLToPath(new URL('./gaps.md', import.meta.url));
const PACKAGE_COST_PATH = fileURLToPath(new URL('./package-cost.md', import.meta.url));

/** Re-renders BENCHMARKS.md from whatever results exist. */
export function writeMarkdown(): void {
  const read = <T>(path: string): T | undefined =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
  const gaps = existsSync(GAPS_PATH) ? readFileSync(GAPS_PATH, 'utf8').trim() : '';
  // npm run bench:package writes its own section (compiled vs sources); keep it when regenerating.
  const packageCost = existsSync(PACKAGE_COST_PATH)
    ? `\n${readFileSync(PACKAGE_COST_PATH, 'utf8').trim()}\n`
    : '';
  // Other commands (differential, large-writes, truth:real, bench:real, the load check) write their
  // sections between <!-- ID --> and <!-- /ID --> markers; keep every such section.
  const current = existsSync(MARKDOWN_PATH) ? readFileSync(MARKDOWN_PATH, 'utf8') : '';
  const real = [...current.matchAll(/<!-- ([\w:-]+) -->[\s\S]*?<!-- \/\1 -->/g)].map((m) => m[0]);
  writeFileSync(
    MARKDOWN_PATH,
    renderMarkdown(read<BenchResults>(RESULTS_PATH), read<TruthResults>(TRUTH_PATH), gaps) +
      packageCost +
      real.map((section) => `\n${section}\n`).join(''),
  );
}
