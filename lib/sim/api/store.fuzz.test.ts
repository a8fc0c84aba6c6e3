/**
 * Property-based sequences of store operations (creates, updates with current, stale and missing
 * resourceVersions, merge patches, deletes with preconditions, finalizers, grace and orphaning,
 * gets, lists current / Exact / paged, watches from "0", now and resumed from any version seen)
 * against the embedded cluster's Api, checked by the model of lib/sim/testing/store-model.ts.
 * A fresh seed each run, printed in the test's title (replay: KUBEXPECT_FUZZ_SEED=<seed>), plus
 * pinned seeds; KUBEXPECT_FUZZ_RUNS=<n> soaks longer. scripts/fuzz-injected.mjs shows it catches
 * store bugs injected on purpose.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Api } from '../api/api.ts';
import { type Cluster, startCluster } from '../index.ts';
import {
  addCoverage,
  type Content,
  type Coverage,
  type Kind,
  type Name,
  type Op,
  runAgainstModel,
} from '../testing/store-model.ts';

const kind = fc.constantFrom<Kind>('configmaps', 'pods');
// Two names, so most operations meet an object that exists (or did).
const name = fc.constantFrom<Name>('a', 'b');
const value = fc.constantFrom('v1' as const, 'v2' as const);
const content: fc.Arbitrary<Content> = fc.record({ k1: value, k2: value }, { requiredKeys: [] });
const finalizers = fc.constantFrom<string[]>(
  [],
  [],
  ['example.com/keep'],
  ['example.com/keep', 'example.com/audit'],
);
const rv = fc.constantFrom('current', 'current', 'stale', 'future', 'none') as fc.Arbitrary<
  'current' | 'stale' | 'future' | 'none'
>;

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      kind,
      name,
      content,
      finalizers,
      bound: fc.boolean(),
      invalid: fc.constantFrom(
        undefined,
        undefined,
        undefined,
        undefined,
        'badName' as const,
        'wrongKind' as const,
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('update' as const), kind, name, rv, content, finalizers }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('patch' as const),
      kind,
      name,
      rv,
      content: fc.record(
        { k1: fc.constantFrom('v1' as const, 'v2' as const, null), k2: value },
        { requiredKeys: [] },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      kind,
      name,
      precondition: fc.constantFrom('none', 'none', 'currentRv', 'staleRv', 'otherUid') as fc.Arbitrary<
        'none' | 'currentRv' | 'staleRv' | 'otherUid'
      >,
      grace: fc.constantFrom(undefined, 0, 5, 60),
      orphan: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), kind, name }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('list' as const),
      kind,
      at: fc.oneof(fc.constant('current' as const), fc.nat(40)),
      pageSize: fc.constantFrom(undefined, 1, 2),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('watch' as const),
      kind,
      from: fc.oneof(fc.constantFrom('unset' as const, 'now' as const), fc.nat(40)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stopWatch' as const), index: fc.nat(5) }) },
);

const sequences = fc.array(op, { minLength: 8, maxLength: 60, size: 'medium' });

/** Seeds that once found a divergence (or cover a rare path); each runs every time. */
const PINNED_SEEDS: readonly number[] = [1_234_567, 424_242];
/** The seed whose sequences reach every outcome the model knows (checked below). */
const COVERAGE_SEED = 20_261_206;

const envSeed = process.env.KUBEXPECT_FUZZ_SEED;
const envRuns = process.env.KUBEXPECT_FUZZ_RUNS;
if (envSeed !== undefined && !/^-?\d+$/.test(envSeed)) {
  throw new TypeError(`KUBEXPECT_FUZZ_SEED must be a whole number, got ${JSON.stringify(envSeed)}`);
}
if (envRuns !== undefined && !/^[1-9]\d*$/.test(envRuns)) {
  throw new TypeError(`KUBEXPECT_FUZZ_RUNS must be a whole number ≥ 1, got ${JSON.stringify(envRuns)}`);
}
const freshSeed = envSeed !== undefined ? Number(envSeed) : Math.floor(Math.random() * 2 ** 31);
const soak = envRuns !== undefined;
const runs = soak ? Number(envRuns) : 150;
/** Run time is bounded in npm test: fast-check stops starting new sequences after this (a busy machine runs fewer). */
const TIME_LIMIT_MS = soak ? 24 * 3600_000 : 6000;

describe('the store against its model (property-based)', function () {
  this.timeout(TIME_LIMIT_MS + 60_000);
  let cluster: Cluster;
  let api: Api;
  let n = 0;

  before(async () => {
    cluster = await startCluster({ seed: 7 });
    api = cluster.api;
  });
  after(() => cluster?.stop());

  /** Plays one sequence in a namespace of its own, so sequences do not see each other. */
  const play = (ops: Op[], coverage: Coverage) => {
    const namespace = `fuzz-${++n}`;
    api.create(api.resource('', 'namespaces'), undefined, { metadata: { name: namespace } });
    addCoverage(coverage, runAgainstModel(api, namespace, ops));
  };

  const check = (seed: number, numRuns: number, timeLimit?: number): Coverage => {
    const coverage: Coverage = {};
    const details = fc.check(
      fc.property(sequences, (ops) => play(ops, coverage)),
      timeLimit === undefined
        ? { seed, numRuns }
        : { seed, numRuns, interruptAfterTimeLimit: timeLimit, markInterruptAsFailure: false },
    );
    if (details.failed) {
      throw new Error(
        `the store diverged from its model (seed ${seed}, replay with KUBEXPECT_FUZZ_SEED=${seed}; shrunk after ${details.numShrinks} steps):\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\ncounterexample: ${JSON.stringify(details.counterexample?.[0])}`,
      );
    }
    expect(details.numRuns, 'sequences played').to.be.greaterThan(0);
    return coverage;
  };

  it(`agrees with the model on random sequences, seed ${freshSeed}${soak ? ` (soak: ${runs} runs)` : ''}`, () => {
    const coverage = check(freshSeed, runs, TIME_LIMIT_MS);
    const operations = Object.entries(coverage)
      .filter(([k]) => /^[a-z]+ \d{3}/.test(k))
      .reduce((sum, [, v]) => sum + v, 0);
    console.log(`      store fuzz: seed ${freshSeed}, ${operations} operations checked against the model`);
  });

  for (const seed of PINNED_SEEDS) {
    it(`agrees with the model on the sequences of pinned seed ${seed}`, () => {
      check(seed, 10);
    });
  }

  it('reaches every outcome the model knows: refusals, conflicts, graceful and finalized deletes, resumed watches', () => {
    const coverage = check(COVERAGE_SEED, 12);
    for (const outcome of [
      'create 200',
      'create 409 AlreadyExists',
      'create 422 Invalid',
      'update 200',
      'update 404 NotFound',
      'update 409 Conflict',
      'update 422 Invalid',
      'patch 200',
      'patch 409 Conflict',
      'delete 409 Conflict',
      'delete removed',
      'delete marked (graceful)',
      'delete marked (finalizers)',
      'last finalizer removed (MODIFIED then DELETED)',
      'get 200',
      'get 404 NotFound',
      'list 200',
      'watch 200',
      'resumed watch events checked',
    ]) {
      expect(coverage, `outcomes reached: ${JSON.stringify(coverage)}`)
        .to.have.property(outcome)
        .above(0);
    }
  });

  it('names the step, the operation and what the model expected when the store disagrees', () => {
    const namespace = `fuzz-${++n}`;
    api.create(api.resource('', 'namespaces'), undefined, { metadata: { name: namespace } });
    // A ConfigMap the model does not know of: its create must be refused, which the model did not predict.
    api.create(api.resource('', 'configmaps'), namespace, { metadata: { name: 'a' } });
    const ops: Op[] = [
      { op: 'create', kind: 'configmaps', name: 'a', content: { k1: 'v1' }, finalizers: [], bound: false },
    ];
    expect(() => runAgainstModel(api, namespace, ops)).to.throw(
      'step 0 {"op":"create","kind":"configmaps","name":"a","content":{"k1":"v1"},"finalizers":[],"bound":false}: create configmaps/a: expected 200, got 409 AlreadyExists',
    );
  });
});
