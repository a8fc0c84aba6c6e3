/**
 * Guard against assertions that are never awaited (a missing `await` makes a wait check nothing).
 * Every Assertion registers here until it is awaited. Under mocha, kubexpect registers a root
 * `afterEach` hook when it is first imported; the hook fails the test that made an un-awaited
 * assertion, with a message saying so, and cancels the wait. Jest and Vitest register it from
 * kubexpect/jest and kubexpect/vitest's setup files.
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
 * AssertionError naming them (or undefined when there were none). `where` names the node that made
 * them (kubexpect/dsl checks after each BeforeAll and AfterAll, so the next spec is not blamed).
 */
export function checkDanglingAssertions(where = 'in this test'): Error | undefined {
  if (pending.size === 0) return undefined;
  const dangling = [...pending];
  pending.clear();
  for (const a of dangling) a.cancel('it was never awaited');
  const list = dangling.map((a) => `  - ${a.description}`).join('\n');
  return new AssertionError(
    `${dangling.length === 1 ? 'An assertion was' : `${dangling.length} assertions were`} created ${where} but never awaited, so ${dangling.length === 1 ? 'it' : 'they'} checked nothing:\n${list}\nAdd \`await\` before each (or return it from the test).`,
  );
}

interface HookContext {
  test?: { error?: (err: Error) => void };
}

/** mocha's, Jest's and Vitest's afterEach all take the hook function first when given no title. */
type HookRegistrar = (fn: (this: HookContext | undefined) => void) => void;

let registered = false;

/** The hook: fails the test that made an un-awaited assertion. */
function everyAssertionAwaited(this: HookContext | undefined): void {
  const err = checkDanglingAssertions();
  if (!err) return;
  // Mocha's hook.error() fails the current test rather than the hook, so later tests still run.
  if (typeof this?.test?.error === 'function') {
    this.test.error(err);
    return;
  }
  // Jest prints any error named AssertionError as a node:assert diff ("Expected value undefined…").
  throw Object.assign(new Error(err.message), { stack: `Error: ${err.message}` });
}

/**
 * Registers the check as an after-each hook: `failOnDanglingAssertions(afterEach)` with mocha's,
 * Jest's or Vitest's afterEach. Under mocha it is done when kubexpect loads; kubexpect/jest and
 * kubexpect/vitest do it for their runners.
 */
export function failOnDanglingAssertions(afterEachHook: HookRegistrar): void {
  if (registered) return;
  if (typeof afterEachHook !== 'function') {
    throw new TypeError("failOnDanglingAssertions: pass the test runner's afterEach function");
  }
  // No title: Jest and Vitest take (fn, timeout); mocha names the hook after the function.
  afterEachHook(everyAssertionAwaited);
  registered = true;
}

// Under mocha (whose afterEach takes a title first, which Jest and Vitest refuse), register at once.
const mochaAfterEach = (globalThis as { afterEach?: unknown }).afterEach;
if (typeof mochaAfterEach === 'function' && !registered) {
  try {
    (mochaAfterEach as (title: string, fn: typeof everyAssertionAwaited) => void)(
      'kubexpect: every assertion was awaited',
      everyAssertionAwaited,
    );
    registered = true;
  } catch {
    // Jest or Vitest (their setup files register it), or not inside a mocha file load.
  }
}
