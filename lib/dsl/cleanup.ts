/** DeferCleanup(): cleanups that run last in, first out, whether the spec passed or failed. */
import { outsideCallScope } from '../client/index.ts';
import { type Cleanup, currentScope, runInScope, type Scope } from './scope.ts';

function callerLocation(): string {
  // Line 0 is "Error", 1 this function, 2 DeferCleanup, 3 its caller.
  const line = new Error().stack?.split('\n')[3]?.trim() ?? '';
  const match = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?$/.exec(line);
  return match?.[1]?.replace(/^file:\/\//, '') ?? 'an unknown location';
}

/** Cleanups registered after their node had ended, still running; the run waits for them at its end. */
const late = new Set<Promise<void>>();
const lateFailures: string[] = [];

/**
 * Registers `fn(...args)` to run after the node's AfterEach (from a spec or BeforeEach) or after
 * the container's AfterAll (from a BeforeAll). Cleanups run in reverse order of registration, after
 * the failure report has been taken. One registered after its node ended (a body that kept going
 * past its timeout) runs at once, and the run waits for it before it ends.
 */
export function DeferCleanup<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
  if (typeof fn !== 'function') {
    throw new TypeError(`DeferCleanup: expected a function, got ${typeof fn}`);
  }
  const scope = currentScope('DeferCleanup');
  const cleanup: Cleanup = { fn: () => fn(...args), registeredAt: callerLocation() };
  if (scope.cleanupsDone) runLate(scope, cleanup);
  else scope.cleanups.push(cleanup);
}

function runLate(scope: Scope, cleanup: Cleanup): void {
  process.stderr.write(
    `kubexpect: DeferCleanup at ${cleanup.registeredAt} came after "${scope.title}" had ended (its body kept running after a timeout); running it now\n`,
  );
  const run = runOne(scope, cleanup, scope.cleanupLimitMs).then(
    () => undefined,
    (err: unknown) => {
      const line = `  - registered at ${cleanup.registeredAt}, after "${scope.title}" had ended: ${(err as Error)?.message ?? String(err)}`;
      lateFailures.push(line);
    },
  );
  late.add(run);
  void run.finally(() => late.delete(run));
}

/**
 * One cleanup, outside the node's cancel signal (a timed-out spec's signal must not abort its own
 * undo) and bounded by `limitMs` (0: unbounded), so a hung cleanup cannot keep the others waiting.
 */
function runOne(scope: Scope, cleanup: Cleanup, limitMs: number): Promise<unknown> {
  const work = outsideCallScope(() => Promise.resolve().then(() => runInScope(scope, cleanup.fn)));
  if (!(limitMs > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${limitMs / 1000}s; the cleanups after it ran anyway`)),
      limitMs,
    );
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Runs and empties a scope's cleanups, last first; every one runs even if an earlier one throws or
 * hangs (each gets `limitMs`, 0 for no limit). Cleanups registered while these run are run too.
 */
export async function runCleanups(scope: Scope, limitMs = 0): Promise<void> {
  const failures: string[] = [];
  scope.cleanupLimitMs = limitMs;
  while (scope.cleanups.length > 0) {
    const cleanup = scope.cleanups.pop()!;
    try {
      await runOne(scope, cleanup, limitMs);
    } catch (err) {
      failures.push(`  - registered at ${cleanup.registeredAt}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  scope.cleanupsDone = true;
  if (failures.length > 0) {
    throw new Error(
      `DeferCleanup: ${failures.length} cleanup(s) of "${scope.title}" failed:\n${failures.join('\n')}`,
    );
  }
}

/** Waits for the cleanups registered late; fails naming those that failed. The run's last hook calls it. */
export async function settleLateCleanups(): Promise<void> {
  while (late.size > 0) await Promise.allSettled([...late]);
  if (lateFailures.length === 0) return;
  const failures = lateFailures.splice(0);
  throw new Error(`DeferCleanup: ${failures.length} late cleanup(s) failed:\n${failures.join('\n')}`);
}
