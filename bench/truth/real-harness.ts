/**
 * Verdict truth on a real control plane: seeded drain scenarios (real-scenario.ts) on one control
 * plane per storage behaviour, `slots` runs at a time (each in its own namespace, on its own three
 * kwok nodes), each judged by the naive 5 s poll and by toBeRescheduledOrPending against what the
 * real scheduler, PV binder and StatefulSet controller did.
 */
import { connect } from '../../lib/index.ts';
import { seededRandom } from '../../lib/sim/random.ts';
import { percentile } from '../support/stats.ts';
import { elasticIsRight, type Tally } from './harness.ts';
import {
  REAL_NODES_PER_SLOT,
  type RealHarness,
  type RealRunResult,
  runRealScenario,
  slotNode,
  slotNodeName,
} from './real-scenario.ts';
import { legitimate, type RunKind, type RunSpec, type StorageBehaviour } from './scenario.ts';

export interface RealTruthPlan {
  seed: number;
  /** Runs per storage behaviour. */
  runs: number;
  /** Runs at a time on one control plane (each on its own nodes). */
  slots: number;
  /** Share of runs that are negative controls, split evenly between `stays`, `returns` and `uncordoned`. */
  negativeShare: number;
  storages: StorageBehaviour[];
  naivePollMs: number;
  naiveBudgetMs: number;
  elasticBudgetMs: number;
  recorderLagMs: number;
}

export const REAL_TRUTH_FULL: RealTruthPlan = {
  seed: 20_261_206,
  runs: 100,
  slots: 12,
  negativeShare: 0.3,
  storages: ['node-pinned', 'movable'],
  naivePollMs: 5000,
  naiveBudgetMs: 15_000,
  // A wait catches up with the server at its deadline (a GET, then the watch's late events), so a
  // loaded machine's lagging watch no longer decides a verdict at the budget's edge.
  elasticBudgetMs: 10_000,
  recorderLagMs: 300,
};

export interface RealSummary {
  storage: StorageBehaviour;
  /** The real control plane's version and the time it took to start. */
  version: string;
  startSeconds: number;
  runs: number;
  byKind: Record<RunKind, { runs: number; naiveWrong: number; elasticWrong: number }>;
  byExpect: Record<'either' | 'auto', Tally>;
  naive: Tally;
  elastic: Tally & { wrongOutcomeKind: number };
  /** ms from a new instance's creation to Running (movable positives): the window a 5 s poll must hit. */
  pendingWindowP50Ms: number | undefined;
  /**
   * ms from the recorder's first sight of the decisive state to kubexpect's pass (its own watch; a
   * negative figure: kubexpect saw it first), over the runs kubexpect passed whose assertion was
   * watching before the drain (an assertion begun after the drain starts with a LIST instead).
   */
  verdictAfterRecorderMs: { n: number; p50: number; p99: number; max: number } | undefined;
  wallSeconds: number;
}

export interface RealTruthReport {
  plan: RealTruthPlan;
  summaries: RealSummary[];
  /** Every wrong verdict of the elastic matcher, in full. */
  elasticWrong: RealRunResult[];
  /** A few of the naive assertion's wrong verdicts, as examples. */
  naiveWrongExamples: RealRunResult[];
}

const emptyTally = (): Tally => ({ runs: 0, correct: 0, falsePasses: 0, falseFailures: 0 });

function count(t: Tally, pass: boolean, shouldPass: boolean): void {
  t.runs++;
  if (pass === shouldPass) t.correct++;
  else if (pass) t.falsePasses++;
  else t.falseFailures++;
}

function specsFor(plan: RealTruthPlan, seed: number): Omit<RunSpec, 'slot'>[] {
  const random = seededRandom(seed);
  return Array.from({ length: plan.runs }, (_, index) => {
    const r = random();
    const third = plan.negativeShare / 3;
    const kind: RunKind =
      r < third ? 'stays' : r < 2 * third ? 'returns' : r < 3 * third ? 'uncordoned' : 'positive';
    return { index, kind, assertBeforeDrain: random() < 0.5, expect: random() < 0.5 ? 'auto' : 'either' };
  });
}

async function runStorage(
  plan: RealTruthPlan,
  storage: StorageBehaviour,
  seed: number,
  log: (line: string) => void,
): Promise<{ summary: RealSummary; results: RealRunResult[] }> {
  const started = performance.now();
  const { startControlPlane } = await import('../../lib/controlplane/index.ts');
  // The preset whose default class has this behaviour; the runs use classes of their own anyway.
  const plane = await startControlPlane({ preset: storage === 'node-pinned' ? 'kind' : 'cloud' });
  const startSeconds = Math.round((performance.now() - started) / 100) / 10;
  log(`${storage}: control plane ${plane.version} up in ${startSeconds}s`);
  const conn = await connect({ kubeconfig: plane.kubeconfig });
  const recorder = await connect({ kubeconfig: plane.kubeconfig });
  const results: RealRunResult[] = [];
  try {
    for (let i = 0; i < plan.slots * REAL_NODES_PER_SLOT; i++) {
      await conn.core.createNode({
        body: slotNode(Math.floor(i / REAL_NODES_PER_SLOT), i % REAL_NODES_PER_SLOT),
      });
    }
    await waitForReadyNodes(conn, plan.slots);
    const harness: RealHarness = {
      conn,
      recorder,
      storage,
      naivePollMs: plan.naivePollMs,
      naiveBudgetMs: plan.naiveBudgetMs,
      elasticBudgetMs: plan.elasticBudgetMs,
      recorderLagMs: plan.recorderLagMs,
    };
    const specs = specsFor(plan, seed);
    await Promise.all(
      Array.from({ length: plan.slots }, async (_, slot) => {
        for (let spec = specs.shift(); spec; spec = specs.shift()) {
          const result = await runRealScenario(harness, { ...spec, slot });
          results.push(result);
          if (results.length % 25 === 0) {
            log(
              `${storage}: ${results.length}/${plan.runs} runs after ${Math.round((performance.now() - started) / 1000)}s`,
            );
          }
          if (!elasticIsRight(result)) {
            log(
              `${storage} run ${result.index} (${result.kind}, ${result.expect}): WRONG kubexpect verdict ${JSON.stringify(result.elastic)} timeline ${JSON.stringify(result.timeline)}`,
            );
          }
        }
      }),
    );
  } finally {
    conn.close();
    recorder.close();
    await plane.stop();
  }
  const wallSeconds = Math.round((performance.now() - started) / 100) / 10;
  return { summary: summarize(storage, plane.version, startSeconds, results, wallSeconds), results };
}

async function waitForReadyNodes(conn: Awaited<ReturnType<typeof connect>>, slots: number): Promise<void> {
  const names = new Set(
    Array.from({ length: slots * REAL_NODES_PER_SLOT }, (_, i) =>
      slotNodeName(Math.floor(i / REAL_NODES_PER_SLOT), i % REAL_NODES_PER_SLOT),
    ),
  );
  const end = performance.now() + 120_000;
  for (;;) {
    const list = await conn.core.listNode();
    const ready = list.items.filter(
      (n) =>
        names.has(n.metadata?.name ?? '') &&
        n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    if (ready === names.size) return;
    if (performance.now() > end)
      throw new Error(`real truth harness: ${ready}/${names.size} slot nodes Ready after 120 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function summarize(
  storage: StorageBehaviour,
  version: string,
  startSeconds: number,
  results: RealRunResult[],
  wallSeconds: number,
): RealSummary {
  const naive = emptyTally();
  const elastic = { ...emptyTally(), wrongOutcomeKind: 0 };
  const byKind = Object.fromEntries(
    (['positive', 'stays', 'returns', 'uncordoned'] as const).map((k) => [
      k,
      { runs: 0, naiveWrong: 0, elasticWrong: 0 },
    ]),
  ) as RealSummary['byKind'];
  const byExpect = { either: emptyTally(), auto: emptyTally() };
  for (const r of results) {
    const naiveRight = r.naive.pass === legitimate(r.naive.truth);
    const elasticRight = elasticIsRight(r);
    count(naive, r.naive.pass, legitimate(r.naive.truth));
    count(elastic, r.elastic.pass, legitimate(r.elastic.truth));
    count(byExpect[r.expect], r.elastic.pass, legitimate(r.elastic.truth));
    if (r.elastic.pass && legitimate(r.elastic.truth) && r.elastic.kind !== r.elastic.truth) {
      elastic.wrongOutcomeKind++;
      elastic.correct--;
    }
    const k = byKind[r.kind];
    k.runs++;
    if (!naiveRight) k.naiveWrong++;
    if (!elasticRight) k.elasticWrong++;
  }
  const windows = results
    .filter((r) => r.kind === 'positive' && r.pendingWindowMs !== undefined)
    .map((r) => r.pendingWindowMs!)
    .sort((a, b) => a - b);
  const lags = results
    .filter((r) => r.assertBeforeDrain && r.elastic.pass && r.timeline.decisive !== undefined)
    .map((r) => r.timeline.elasticSettled - r.timeline.decisive!);
  return {
    storage,
    version,
    verdictAfterRecorderMs: lags.length
      ? { n: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags) }
      : undefined,
    startSeconds,
    runs: results.length,
    byKind,
    byExpect,
    naive,
    elastic,
    pendingWindowP50Ms: windows.length ? windows[Math.floor(windows.length / 2)] : undefined,
    wallSeconds,
  };
}

/** Runs the plan, one control plane per storage behaviour, one after the other. */
export async function runRealTruth(
  plan: RealTruthPlan,
  log: (line: string) => void = () => {},
): Promise<RealTruthReport> {
  const summaries: RealSummary[] = [];
  const elasticWrong: RealRunResult[] = [];
  const naiveWrongExamples: RealRunResult[] = [];
  let seed = plan.seed;
  for (const storage of plan.storages) {
    const { summary, results } = await runStorage(plan, storage, seed++, log);
    summaries.push(summary);
    for (const r of results.sort((a, b) => a.index - b.index)) {
      if (!elasticIsRight(r)) elasticWrong.push(r);
      else if (r.naive.pass !== legitimate(r.naive.truth) && naiveWrongExamples.length < 4)
        naiveWrongExamples.push(r);
    }
    log(
      `${storage}: ${summary.runs} runs in ${summary.wallSeconds}s; naive wrong ${summary.naive.runs - summary.naive.correct}, kubexpect wrong ${summary.elastic.runs - summary.elastic.correct}`,
    );
  }
  return { plan, summaries, elasticWrong, naiveWrongExamples };
}
