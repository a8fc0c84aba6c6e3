/**
 * Verdict truth: seeded, randomized drain scenarios over both storage behaviours, a spread of
 * attach delays around the naive assertion's 5 s polling interval, negative controls, and fault
 * injection, each judged by the naive assertion and by toBeRescheduledOrPending, each verdict
 * checked against what the simulator did. Runs of one configuration share one embedded cluster
 * (a namespace and a slot of nodes per run) and run `slots` at a time.
 */
import { connect } from '../../lib/index.ts';
import { type FaultOptions, startCluster } from '../../lib/sim/index.ts';
import { seededRandom } from '../../lib/sim/random.ts';
import { percentile } from '../support/stats.ts';
import { podRecreator } from './recreator.ts';
import {
  type Harness,
  legitimate,
  type RunKind,
  type RunResult,
  type RunSpec,
  runScenario,
  type StorageBehaviour,
  type TruthConfig,
  truthPreset,
} from './scenario.ts';

/** The faults of the "faults on" runs: 5xx and 429 with Retry-After, dropped watches, 410 on resume. */
export const TRUTH_FAULTS: FaultOptions = {
  errorRate: 0.1,
  errorCodes: [500, 503, 429],
  retryAfterSeconds: 1,
  closeWatchesEverySeconds: 1,
  expireOnResume: true,
};

/** Attach delays (realistic ms) for movable storage: from well under to well over 5 s. */
export const ATTACH_BUCKETS: { min: number; max: number }[] = [
  { min: 0, max: 300 },
  { min: 1000, max: 2500 },
  { min: 2500, max: 5000 },
  { min: 5000, max: 9000 },
  { min: 9000, max: 15_000 },
];

export interface TruthPlan {
  seed: number;
  timeScale: number;
  slots: number;
  /** Runs per configuration: node-pinned, and movable per attach bucket. */
  runs: { nodePinned: number; movablePerBucket: number };
  /** Run everything twice: faults off, then on (or only one of them). */
  faults: boolean[];
  /** Share of runs that are negative controls, split evenly between `stays`, `returns` and `uncordoned`. */
  negativeShare: number;
  buckets: { min: number; max: number }[];
  /**
   * Real ms the elastic assertion may wait. Faults act in real time (Retry-After: 1 s), so the
   * budget under faults leaves room for recovering from them. Default: 60 s scaled, at least
   * 3 s without faults and 8 s with them.
   */
  elasticBudgetMs?: { plain: number; faults: number };
}

export const TRUTH_FULL: TruthPlan = {
  seed: 20_261_126,
  timeScale: 0.02,
  slots: 8,
  runs: { nodePinned: 400, movablePerBucket: 120 },
  faults: [false, true],
  negativeShare: 0.24,
  buckets: ATTACH_BUCKETS,
};

export interface Tally {
  runs: number;
  correct: number;
  falsePasses: number;
  falseFailures: number;
}

export interface ConfigSummary {
  storage: StorageBehaviour;
  faults: boolean;
  attachMs: { min: number; max: number } | undefined;
  runs: number;
  byKind: Record<RunKind, number>;
  naive: Tally;
  elastic: Tally & { wrongOutcomeKind: number };
  /** Realistic seconds a new instance was Pending before it ran (movable positives), p50. */
  pendingWindowP50s: number | undefined;
  wallSeconds: number;
}

export interface TruthReport {
  plan: TruthPlan;
  configs: ConfigSummary[];
  totals: {
    faults: boolean;
    runs: number;
    naive: Tally;
    elastic: Tally & { wrongOutcomeKind: number };
    /** The same tallies per kind of run (positives and each negative control). */
    byKind: Record<RunKind, { naive: Tally; elastic: Tally }>;
    /** kubexpect's tallies by how the matcher was called: either outcome, or expect: 'auto'. */
    byExpect: Record<'either' | 'auto', Tally>;
  }[];
  /** Every wrong verdict of the elastic matcher, in full, for diagnosis. */
  elasticWrong: RunResult[];
  /** A few of the naive assertion's wrong verdicts, as examples. */
  naiveWrongExamples: RunResult[];
}

const emptyTally = (): Tally => ({ runs: 0, correct: 0, falsePasses: 0, falseFailures: 0 });

function count(t: Tally, pass: boolean, shouldPass: boolean): void {
  t.runs++;
  if (pass === shouldPass) t.correct++;
  else if (pass) t.falsePasses++;
  else t.falseFailures++;
}

/** Whether the elastic verdict is right: pass/fail as the truth says, and the outcome it names. */
export function elasticIsRight(r: RunResult): boolean {
  const should = legitimate(r.elastic.truth);
  if (r.elastic.pass !== should) return false;
  return !r.elastic.pass || r.elastic.kind === r.elastic.truth;
}

async function runConfig(
  config: TruthConfig,
  n: number,
  plan: TruthPlan,
  seed: number,
  onRun?: (r: RunResult) => void,
): Promise<{ results: RunResult[]; wallSeconds: number }> {
  const started = performance.now();
  const random = seededRandom(seed);
  const recreator = podRecreator({ min: 100, max: 600 });
  const cluster = await startCluster({
    preset: truthPreset(config),
    timeScale: config.timeScale,
    seed,
    controllers: [recreator],
  });
  const conn = await connect({ kubeconfig: cluster.kubeconfig });
  if (config.faults) cluster.setFaults(TRUTH_FAULTS);
  const ts = config.timeScale;
  const harness: Harness = {
    cluster,
    conn,
    recreator,
    config,
    naivePollMs: 5000 * ts,
    naiveBudgetMs: 30_000 * ts,
    elasticBudgetMs: Math.max(
      60_000 * ts,
      config.faults ? (plan.elasticBudgetMs?.faults ?? 8000) : (plan.elasticBudgetMs?.plain ?? 3000),
    ),
  };
  const specs: Omit<RunSpec, 'slot'>[] = Array.from({ length: n }, (_, index) => {
    const r = random();
    const third = plan.negativeShare / 3;
    const kind: RunKind =
      r < third ? 'stays' : r < 2 * third ? 'returns' : r < 3 * third ? 'uncordoned' : 'positive';
    return { index, kind, assertBeforeDrain: random() < 0.5, expect: random() < 0.5 ? 'auto' : 'either' };
  });
  const results: RunResult[] = [];
  try {
    await Promise.all(
      Array.from({ length: config.slots }, async (_, slot) => {
        for (let spec = specs.shift(); spec; spec = specs.shift()) {
          const result = await runScenario(harness, { ...spec, slot });
          results.push(result);
          onRun?.(result);
        }
      }),
    );
  } finally {
    conn.close();
    await cluster.stop();
  }
  return { results, wallSeconds: Math.round((performance.now() - started) / 100) / 10 };
}

function summarizeConfig(config: TruthConfig, results: RunResult[], wallSeconds: number): ConfigSummary {
  const naive = emptyTally();
  const elastic = { ...emptyTally(), wrongOutcomeKind: 0 };
  const byKind: Record<RunKind, number> = { positive: 0, stays: 0, returns: 0, uncordoned: 0 };
  for (const r of results) {
    byKind[r.kind]++;
    count(naive, r.naive.pass, legitimate(r.naive.truth));
    count(elastic, r.elastic.pass, legitimate(r.elastic.truth));
    if (r.elastic.pass && legitimate(r.elastic.truth) && r.elastic.kind !== r.elastic.truth) {
      elastic.wrongOutcomeKind++;
      elastic.correct--;
    }
  }
  const windows = results
    .filter((r) => r.kind === 'positive' && r.pendingWindowMs !== undefined)
    .map((r) => r.pendingWindowMs!);
  return {
    storage: config.storage,
    faults: config.faults,
    attachMs: config.storage === 'movable' ? config.attachMs : undefined,
    runs: results.length,
    byKind,
    naive,
    elastic,
    pendingWindowP50s: windows.length ? Math.round(percentile(windows, 50) / 100) / 10 : undefined,
    wallSeconds,
  };
}

function add(into: Tally, t: Tally): void {
  into.runs += t.runs;
  into.correct += t.correct;
  into.falsePasses += t.falsePasses;
  into.falseFailures += t.falseFailures;
}

export async function runTruth(
  plan: TruthPlan,
  log: (line: string) => void = () => {},
): Promise<TruthReport> {
  const configs: ConfigSummary[] = [];
  const elasticWrong: RunResult[] = [];
  const naiveWrongExamples: RunResult[] = [];
  const kindTallies = new Map<boolean, Record<RunKind, { naive: Tally; elastic: Tally }>>();
  const expectTallies = new Map<boolean, Record<'either' | 'auto', Tally>>();
  let seed = plan.seed;
  for (const faults of plan.faults) {
    const perKind = Object.fromEntries(
      (['positive', 'stays', 'returns', 'uncordoned'] as const).map((k) => [
        k,
        { naive: emptyTally(), elastic: emptyTally() },
      ]),
    ) as Record<RunKind, { naive: Tally; elastic: Tally }>;
    kindTallies.set(faults, perKind);
    const perExpect = { either: emptyTally(), auto: emptyTally() };
    expectTallies.set(faults, perExpect);
    const work: [TruthConfig, number][] = [
      [
        {
          storage: 'node-pinned',
          faults,
          attachMs: { min: 0, max: 0 },
          timeScale: plan.timeScale,
          slots: plan.slots,
        },
        plan.runs.nodePinned,
      ],
      ...plan.buckets.map((attachMs): [TruthConfig, number] => [
        { storage: 'movable', faults, attachMs, timeScale: plan.timeScale, slots: plan.slots },
        plan.runs.movablePerBucket,
      ]),
    ];
    for (const [config, n] of work) {
      if (n === 0) continue;
      const { results, wallSeconds } = await runConfig(config, n, plan, seed++);
      for (const r of results) {
        count(perKind[r.kind].naive, r.naive.pass, legitimate(r.naive.truth));
        count(perKind[r.kind].elastic, r.elastic.pass, legitimate(r.elastic.truth));
        count(perExpect[r.expect], r.elastic.pass, legitimate(r.elastic.truth));
        if (!elasticIsRight(r)) elasticWrong.push(r);
        else if (r.naive.pass !== legitimate(r.naive.truth) && naiveWrongExamples.length < 5)
          naiveWrongExamples.push(r);
      }
      const summary = summarizeConfig(config, results, wallSeconds);
      configs.push(summary);
      log(
        `${config.storage}${config.storage === 'movable' ? ` attach ${config.attachMs.min}-${config.attachMs.max}ms` : ''}, faults ${faults ? 'on' : 'off'}: ${summary.runs} runs in ${wallSeconds}s; naive wrong ${summary.naive.runs - summary.naive.correct}, kubexpect wrong ${summary.elastic.runs - summary.elastic.correct}`,
      );
    }
  }
  const totals = plan.faults.map((faults) => {
    const naive = emptyTally();
    const elastic = { ...emptyTally(), wrongOutcomeKind: 0 };
    let runs = 0;
    for (const c of configs.filter((x) => x.faults === faults)) {
      runs += c.runs;
      add(naive, c.naive);
      add(elastic, c.elastic);
      elastic.wrongOutcomeKind += c.elastic.wrongOutcomeKind;
    }
    return {
      faults,
      runs,
      naive,
      elastic,
      byKind: kindTallies.get(faults)!,
      byExpect: expectTallies.get(faults)!,
    };
  });
  return { plan, configs, totals, elasticWrong, naiveWrongExamples };
}
