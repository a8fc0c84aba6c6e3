/** DeferCleanup(): cleanups that run last in, first out, whether the spec passed or failed. */
import { currentScope, runInScope, type Scope } from './scope.ts';

function callerLocation(): string {
  // Line 0 is "Error", 1 this function, 2 DeferCleanup, 3 its caller.
  const line = new Error().stack?.split('\n')[3]?.trim() ?? '';
  const match = /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?$/.exec(line);
  return match?.[1]?.replace(/^file:\/\//, '') ?? 'an unknown location';
}

/**
 * Registers `fn(...args)` to run after the node's AfterEach (from a spec or BeforeEach) or after
 * the container's AfterAll (from a BeforeAll). Cleanups run in reverse order of registration, after
 * the failure report has been taken.
 */
export function DeferCleanup<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
  if (typeof fn !== 'function') {
    throw new TypeError(`DeferCleanup: expected a function, got ${typeof fn}`);
  }
  currentScope('DeferCleanup').cleanups.push({ fn: () => fn(...args), registeredAt: callerLocation() });
}

/** Runs and empties a scope's cleanups, last first; every one runs even if an earlier one throws. */
export async function runCleanups(scope: Scope): Promise<void> {
  const failures: string[] = [];
  while (scope.cleanups.length > 0) {
    const cleanup = scope.cleanups.pop()!;
    try {
      await runInScope(scope, cleanup.fn);
    } catch (err) {
      failures.push(`  - registered at ${cleanup.registeredAt}: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(
      `DeferCleanup: ${failures.length} cleanup(s) of "${scope.title}" failed:\n${failures.join('\n')}`,
    );
  }
}
