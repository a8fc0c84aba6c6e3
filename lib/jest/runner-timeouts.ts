/**
 * Jest's and Vitest's providers for lib/expect's runner-timeout check: when the running test's
 * timeout ends before a wait's budget, kubexpect says so when the wait starts, with the fix,
 * instead of leaving the user with the runner's bare "Exceeded timeout of 5000 ms".
 */
import { type RunnerTimeout, setRunnerTimeoutSource } from '../expect/index.ts';

type Hook = (fn: (context?: unknown) => void) => void;

/** The runner's hooks, when it has them (Jest's globals, Vitest's imports). */
export interface RunnerHooks {
  readonly beforeEach?: Hook;
  readonly afterEach?: Hook;
}

const JEST_FIX =
  "give the test more time: test('…', fn, 300_000), jest.setTimeout(300_000) in the file, or testTimeout in Jest's config (--testTimeout=300000)";
const VITEST_FIX =
  "give the test more time: test('…', fn, 300_000), { timeout: 300_000 } in the test's options, or testTimeout in vitest.config (--testTimeout=300000)";

interface JestTestEntry {
  startedAt?: number | null;
  timeout?: number;
}
interface JestState {
  currentlyRunningTest?: JestTestEntry | null;
  testTimeout?: number;
}

/** jest-circus keeps its state on the test global under a symbol named JEST_STATE_SYMBOL. */
function jestState(): JestState | undefined {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const sym = Object.getOwnPropertySymbols(g).find((s) => s.description === 'JEST_STATE_SYMBOL');
  const state = sym === undefined ? undefined : g[sym];
  return typeof state === 'object' && state !== null ? (state as JestState) : undefined;
}

/** Jest's provider: the running test's timeout (its own, else testTimeout) less the time it has run. */
export function jestRunnerTimeout(): RunnerTimeout | undefined {
  const state = jestState();
  const test = state?.currentlyRunningTest;
  if (!test || typeof test.startedAt !== 'number') return undefined;
  const ms = test.timeout || state?.testTimeout;
  if (typeof ms !== 'number' || ms <= 0) return undefined;
  return { runner: 'Jest', remainingMs: ms - (Date.now() - test.startedAt), fix: JEST_FIX };
}

let vitestCurrent: { timeout: number; startedAt: number } | undefined;

/** Vitest's provider: the timeout of the test its beforeEach hook saw, less the time since. */
export function vitestRunnerTimeout(): RunnerTimeout | undefined {
  if (!vitestCurrent || !(vitestCurrent.timeout > 0) || !Number.isFinite(vitestCurrent.timeout))
    return undefined;
  return {
    runner: 'Vitest',
    remainingMs: vitestCurrent.timeout - (Date.now() - vitestCurrent.startedAt),
    fix: VITEST_FIX,
  };
}

/** Vitest hands each beforeEach the test context; its task carries the test's timeout. */
function noteVitestTest(context?: unknown): void {
  const timeout = (context as { task?: { timeout?: unknown } } | undefined)?.task?.timeout;
  vitestCurrent = typeof timeout === 'number' ? { timeout, startedAt: Date.now() } : undefined;
}

/** Registers the runner's provider (and, for Vitest, the hooks that note the running test). */
export function watchRunnerTimeouts(hooks: RunnerHooks, runner: 'jest' | 'vitest'): void {
  if (runner === 'jest') {
    setRunnerTimeoutSource(jestRunnerTimeout);
    return;
  }
  if (typeof hooks.beforeEach !== 'function' || typeof hooks.afterEach !== 'function') return;
  hooks.beforeEach(noteVitestTest);
  hooks.afterEach(() => {
    vitestCurrent = undefined;
  });
  setRunnerTimeoutSource(vitestRunnerTimeout);
}
