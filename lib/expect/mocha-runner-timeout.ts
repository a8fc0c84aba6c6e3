/**
 * Mocha's provider for runner-timeout.ts: a root beforeEach hook notes the test about to run, and
 * the provider reads that test's timeout() (which `this.timeout(…)` in the test body changes) when
 * a wait starts. Mocha is not imported: the hook goes through mocha's globals when they exist.
 */
import { type RunnerTimeout, setRunnerTimeoutSource } from './runner-timeout.ts';

interface MochaTestLike {
  timeout(): number;
}
interface MochaHookContext {
  currentTest?: MochaTestLike;
}
type HookRegistrar = (fn: (this: MochaHookContext) => void) => void;

let current: { test: MochaTestLike; startedAt: number } | undefined;
/** Each mocha instance (a worker's per-file run in --parallel included) has its own hook functions. */
const registered = new WeakSet<object>();

const FIX =
  "give the test more time: this.timeout('5m') in the test (a function, not an arrow), SpecTimeout('5m') in the DSL, or --timeout / \"timeout\" in .mocharc";

/** The provider: the running test's remaining time, as mocha counts it. */
export function mochaRunnerTimeout(): RunnerTimeout | undefined {
  if (!current) return undefined;
  const ms = current.test.timeout();
  // 0 (or a huge value, mocha's "disabled") means no timeout.
  if (typeof ms !== 'number' || ms <= 0 || ms >= 2 ** 31 - 1) return undefined;
  return { runner: 'mocha', remainingMs: ms - (Date.now() - current.startedAt), timeoutMs: ms, fix: FIX };
}

/** Root hooks for mocha's `--require` (root hook plugin): `export { mochaHooks } from …`. */
export const mochaHooks = {
  beforeEach(this: MochaHookContext): void {
    const test = this.currentTest;
    if (!test || typeof test.timeout !== 'function') return;
    setRunnerTimeoutSource(mochaRunnerTimeout);
    current = { test, startedAt: Date.now() };
  },
  afterEach(): void {
    current = undefined;
  },
};

/**
 * Registers the root hooks through mocha's globals, once per mocha instance; a no-op outside mocha.
 * Call it at the top level of a spec file or module (the DSL's containers and the chai entry do).
 */
export function registerMochaRunnerTimeout(): void {
  const g = globalThis as {
    beforeEach?: HookRegistrar;
    afterEach?: HookRegistrar;
    context?: unknown;
    specify?: unknown;
  };
  // Mocha's BDD globals only (context and specify are mocha's own): Jest and Vitest register their
  // own providers, and Jest refuses hooks defined inside a test.
  if (typeof g.beforeEach !== 'function' || typeof g.afterEach !== 'function') return;
  if (typeof g.context !== 'function' || typeof g.specify !== 'function') return;
  if (registered.has(g.beforeEach)) return;
  registered.add(g.beforeEach);
  try {
    g.beforeEach(mochaHooks.beforeEach);
    g.afterEach(mochaHooks.afterEach);
  } catch {
    // A runner that refuses hooks now (inside a test) just gives no hint.
  }
}
