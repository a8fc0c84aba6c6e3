/**
 * Guard against assertions that are never awaited (a missing `await` makes a wait check nothing).
 * Every Assertion registers here until it is awaited. Under mocha, kubexpect registers a root
 * `afterEach` hook when it is first imported; the hook fails the test that made an un-awaited
 * assertion, with a message saying so, and cancels the wait. Other runners call
 * `checkDanglingAssertions()` from their own after-each hook.
 */
import { AssertionError } from 'chai';

interface Tracked {
  readonly description: string;
  cancel(reason: string): void;
}

const pending = new Set<Tracked>();

export function trackAssertion(a: Tracked): void {
  pending.add(a);
}

export function untrackAssertion(a: Tracked): void {
  pending.delete(a);
}

/**
 * Cancels every assertion made since the last check that was never awaited, and returns an
 * AssertionError naming them (or undefined when there were none).
 */
export function checkDanglingAssertions(): Error | undefined {
  if (pending.size === 0) return undefined;
  const dangling = [...pending];
  pending.clear();
  for (const a of dangling) a.cancel('it was never awaited');
  const list = dangling.map((a) => `  - ${a.description}`).join('\n');
  return new AssertionError(
    `${dangling.length === 1 ? 'An assertion was' : `${dangling.length} assertions were`} created in this test but never awaited, so ${dangling.length === 1 ? 'it' : 'they'} checked nothing:\n${list}\nAdd \`await\` before each (or return it from the test).`,
  );
}

interface HookContext {
  test?: { error?: (err: Error) => void };
}

type HookRegistrar = (title: string, fn: (this: HookContext) => void) => void;

let registered = false;

/** Registers the check as an after-each hook of a mocha-like runner (done automatically under mocha). */
export function failOnDanglingAssertions(afterEachHook: HookRegistrar): void {
  if (registered) return;
  afterEachHook('kubexpect: every assertion was awaited', function (this: HookContext) {
    const err = checkDanglingAssertions();
    if (!err) return;
    // Mocha's hook.error() fails the current test rather than the hook, so later tests still run.
    if (typeof this?.test?.error === 'function') this.test.error(err);
    else throw err;
  });
  registered = true;
}

const mochaAfterEach = (globalThis as { afterEach?: unknown }).afterEach;
if (typeof mochaAfterEach === 'function') {
  try {
    failOnDanglingAssertions(mochaAfterEach as HookRegistrar);
  } catch {
    // Not inside a mocha file load (e.g. imported from a --require script): register by hand.
  }
}
