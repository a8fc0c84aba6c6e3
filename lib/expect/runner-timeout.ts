/**
 * The test runner's own per-test timeout, as a provider reports it. When it is shorter than a
 * wait's budget the runner stops the test first and prints only its bare "Timeout of 2000ms
 * exceeded"; the engine asks the provider when a wait starts and says so at once, with the fix.
 * Mocha's provider is in mocha-runner-timeout.ts; Jest and Vitest register theirs the same way.
 */
import { DEADLINE_GRACE_MS, formatDuration, type ResolvedTimeout } from '../timeouts/index.ts';

export interface RunnerTimeout {
  /** The runner's name as users know it: `mocha`, `jest`, `vitest`. */
  readonly runner: string;
  /** Time left before the runner stops the current test (ms); Infinity when it has no timeout. */
  readonly remainingMs: number;
  /** The test's timeout as configured (ms), when known: what the budget is compared with. */
  readonly timeoutMs?: number;
  /** How to give a test more time in this runner, e.g. `raise it with this.timeout('3m') …`. */
  readonly fix: string;
}

/** Called when a wait starts; undefined when no test is running (or the runner cannot tell). */
export type RunnerTimeoutSource = () => RunnerTimeout | undefined;

let source: RunnerTimeoutSource | undefined;

/** Registers the runner's provider (undefined removes it). Later registrations replace earlier ones. */
export function setRunnerTimeoutSource(next: RunnerTimeoutSource | undefined): void {
  if (next !== undefined && typeof next !== 'function') {
    throw new TypeError(
      'setRunnerTimeoutSource: expected a function () => ({ runner, remainingMs, fix }) | undefined',
    );
  }
  source = next;
}

/**
 * The hint for a wait of `budget`, when the runner will stop the test before the wait can end;
 * undefined when it will not (or no provider is registered). A failing provider is ignored.
 */
export function runnerTimeoutHint(budget: ResolvedTimeout): string | undefined {
  let t: RunnerTimeout | undefined;
  try {
    t = source?.();
  } catch {
    return undefined;
  }
  if (!t || typeof t.remainingMs !== 'number' || !Number.isFinite(t.remainingMs)) return undefined;
  // The configured timeout is compared when known: a test given as long as the budget is not told
  // off for the few milliseconds already spent.
  const shorter =
    typeof t.timeoutMs === 'number' && Number.isFinite(t.timeoutMs)
      ? t.timeoutMs < budget.ms
      : t.remainingMs < budget.ms;
  if (!shorter) return undefined;
  const left = formatDuration(Math.max(0, t.remainingMs));
  const needed = formatDuration(budget.ms + DEADLINE_GRACE_MS);
  return `${t.runner}'s timeout stops this test in ${left}, before this wait's budget of ${budget.label} ends (it needs at least ${needed}), and ${t.runner} will then report only its own timeout; ${t.fix}`;
}
