/**
 * Describe/Context/When, It and the setup nodes, on top of mocha's BDD globals (looked up at call
 * time, so whichever mocha instance is loading the file receives the nodes).
 */
import { withCancelSignal } from '../client/index.ts';
import { checkDanglingAssertions } from '../expect/index.ts';
import { runCleanups, settleLateCleanups } from './cleanup.ts';
import { type Decorator, parseNodeArgs } from './decorators.ts';
import { type NodeKind, summariseInError, writeFailureReport } from './failure-report.ts';
import { acquireSerialLock, type SerialLock } from './serial-lock.ts';
import { currentScope, runInScope, Scope } from './scope.ts';
import { dslSettings } from './settings.ts';

export type ContainerBody = () => void;
export type NodeBody = () => unknown;

interface Container {
  readonly title: string;
  readonly labels: readonly string[];
  readonly serial: boolean;
  readonly parent: Container | undefined;
  /** The outermost Ordered container this one belongs to. */
  orderedRoot: Container | undefined;
  readonly scope: Scope;
  /** Set on an Ordered root when one of its nodes fails: the title of what failed. */
  failure?: string;
  /** The Serial lock this container holds (the outermost Serial container of a parallel run). */
  lock?: SerialLock;
}

interface TestInfo {
  readonly container: Container;
  readonly labels: readonly string[];
}

const definitionStack: Container[] = [];
const testInfo = new WeakMap<Mocha.Runnable, TestInfo>();
const specScopes = new WeakMap<Mocha.Runnable, Scope>();

function titleWithLabels(title: string, labels: readonly string[]): string {
  return labels.length > 0 ? `${title} [${labels.join(', ')}]` : title;
}

function inParallelWorker(): boolean {
  return dslSettings().parallelWorker;
}

function requireContainer(node: string): Container {
  const container = definitionStack.at(-1);
  if (!container) {
    throw new Error(`${node} must be called inside the body of a Describe, Context or When of kubexpect/dsl`);
  }
  return container;
}

/** What this.skip() throws: PendingError in mocha 11+, Pending before. */
function isMochaPending(err: unknown): boolean {
  return err instanceof Error && (err.name === 'PendingError' || err.constructor.name === 'Pending');
}

function specScopeFor(test: Mocha.Runnable, fallback: Container): Scope {
  let scope = specScopes.get(test);
  if (!scope) {
    const container = testInfo.get(test)?.container ?? fallback;
    scope = new Scope('spec', test.fullTitle(), container.scope);
    specScopes.set(test, scope);
  }
  return scope;
}

/**
 * mocha's own timer stays armed this much after a node's timeout, as a backstop while the failure
 * report is written; the DSL's timer fires first and stops the node properly.
 */
const REPORT_BACKSTOP_MS = 60_000;

/** The node's timeout (SpecTimeout or mocha's): aborts the node's signal and rejects when it fires. */
function nodeTimer(ctx: Mocha.Context, title: string) {
  const limit = ctx.timeout();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const bounded = limit > 0 && limit + REPORT_BACKSTOP_MS < 2 ** 31;
  const timedOut = new Promise<never>((_, reject) => {
    if (!bounded) return;
    ctx.timeout(limit + REPORT_BACKSTOP_MS);
    timer = setTimeout(() => {
      const err = new Error(
        `Timeout of ${limit}ms exceeded (SpecTimeout or mocha's timeout): "${title}" was stopped; its waits and API calls were aborted and its cleanups run next`,
      );
      controller.abort(err);
      reject(err);
    }, limit);
  });
  return {
    signal: controller.signal,
    timedOut,
    /** How long the node may hold a Serial lock: its timeout and the report's backstop. */
    holdMs: bounded ? limit + REPORT_BACKSTOP_MS : undefined,
    dispose: () => {
      clearTimeout(timer);
      // mocha runs the same hook object for every spec: give the next run the timeout this one had.
      if (bounded) ctx.timeout(limit);
    },
  };
}

/** The container holding the Serial lock this container runs under, if any. */
function lockHolder(container: Container): Container | undefined {
  for (let c: Container | undefined = container; c; c = c.parent) if (c.lock) return c;
  return undefined;
}

async function runNode(
  ctx: Mocha.Context,
  scope: Scope,
  node: NodeKind,
  body: NodeBody,
  container: Container,
  failure: {
    readonly fullTitle: string;
    readonly file: string | undefined;
    readonly labels: readonly string[];
  },
): Promise<void> {
  scope.mochaContext = ctx;
  const timer = nodeTimer(ctx, failure.fullTitle);
  try {
    if (timer.holdMs !== undefined) await lockHolder(container)?.lock?.renew(timer.holdMs);
    // Every wait and API call the body makes, however deep, stops when the node's timeout fires.
    await Promise.race([runInScope(scope, () => withCancelSignal(timer.signal, body)), timer.timedOut]);
    const dangling = danglingIn(node, container);
    if (dangling) throw dangling;
    scope.closeSteps(false);
  } catch (err) {
    if (isMochaPending(err)) throw err;
    const dangling = danglingIn(node, container);
    if (dangling && err instanceof Error) err.message += `\n\n${dangling.message}`;
    scope.closeSteps(true);
    if (container.orderedRoot && container.orderedRoot.failure === undefined) {
      container.orderedRoot.failure = failure.fullTitle;
    }
    try {
      const { path, summaries } = await writeFailureReport({ scope, node, error: err, ...failure });
      summariseInError(err, path, scope, summaries);
    } catch (reportErr) {
      if (err instanceof Error)
        err.message += `\n\n(the failure report could not be written: ${(reportErr as Error).message})`;
    }
    throw err;
  } finally {
    timer.dispose();
    scope.mochaContext = undefined;
  }
}

/**
 * Assertions a BeforeAll or AfterAll made and never awaited, blamed on that node: mocha's
 * after-each check would otherwise blame the next spec. Spec-level nodes are checked after each spec.
 */
function danglingIn(node: NodeKind, container: Container): Error | undefined {
  if (node !== 'BeforeAll' && node !== 'AfterAll') return undefined;
  return checkDanglingAssertions(`in ${node} of "${container.title}"`);
}

/** Keeps the Serial lock for as long as the scope's cleanups may take (each is bounded by `limitMs`). */
async function holdLockFor(container: Container, scope: Scope, limitMs: number): Promise<void> {
  const lock = lockHolder(container)?.lock;
  if (!lock || !(limitMs > 0)) return;
  await lock.renew((scope.cleanups.length + 1) * limitMs + REPORT_BACKSTOP_MS);
}

/**
 * Runs a hook's cleanups with each bounded by the hook's own timeout, which meanwhile no longer
 * bounds the whole hook; restored after, since mocha runs the same hook object for every spec.
 */
async function withCleanupLimit(ctx: Mocha.Context, run: (limitMs: number) => Promise<void>): Promise<void> {
  const limit = ctx.timeout();
  ctx.timeout(0);
  try {
    await run(limit);
  } finally {
    ctx.timeout(limit);
  }
}

function defineContainer(node: string, title: unknown, rest: readonly unknown[]): void {
  const parsed = parseNodeArgs<ContainerBody>(node, title, rest);
  const parent = definitionStack.at(-1);
  const container: Container = {
    title: title as string,
    labels: [...(parent?.labels ?? []), ...parsed.labels],
    serial: parsed.serial || (parent?.serial ?? false),
    parent,
    orderedRoot: undefined,
    scope: new Scope('container', title as string, parent?.scope),
  };
  const orderedRoot = parent?.orderedRoot ?? (parsed.ordered ? container : undefined);
  container.orderedRoot = orderedRoot;
  const takesLock = container.serial && !parent?.serial;

  describe(titleWithLabels(title as string, parsed.labels), function (this: Mocha.Suite) {
    if (parsed.timeoutMs !== undefined) this.timeout(parsed.timeoutMs);
    definitionStack.push(container);
    try {
      before(async function () {
        container.scope.startedAt = Date.now();
        if (takesLock && inParallelWorker()) {
          this.timeout(0); // the wait ends when the other Serial container finishes, or its lock expires
          container.lock = await acquireSerialLock();
        }
      });
      if (orderedRoot === container && !parsed.continueOnFailure) {
        beforeEach(function () {
          if (container.failure === undefined) return;
          const test = this.currentTest!;
          test.title += ` (skipped: an earlier spec in this Ordered container failed: "${container.failure}")`;
          this.skip();
        });
      }
      const result: unknown = parsed.body.call(undefined);
      if (result instanceof Promise) {
        throw new TypeError(
          `${node}("${String(title)}"): the body must be synchronous; put async work in BeforeAll, BeforeEach or It`,
        );
      }
      after(async function () {
        const failures = container.scope.deferredFailures.splice(0);
        try {
          await withCleanupLimit(this, async (limit) => {
            await holdLockFor(container, container.scope, limit);
            await runCleanups(container.scope, limit).catch((err: unknown) => failures.push(err));
            if (!parent) await settleLateCleanups().catch((err: unknown) => failures.push(err));
          });
        } finally {
          const lock = container.lock;
          container.lock = undefined;
          await lock?.release();
        }
        throwFirst(failures);
      });
      if (!parent) {
        // Registered last in the outermost container, so it runs after every AfterEach.
        afterEach(async function () {
          const test = this.currentTest;
          const scope = test && specScopes.get(test);
          if (!test || !scope) return;
          specScopes.delete(test);
          const failures = scope.deferredFailures.splice(0);
          await withCleanupLimit(this, async (limit) => {
            await holdLockFor(testInfo.get(test)?.container ?? container, scope, limit);
            await runCleanups(scope, limit).catch((err: unknown) => failures.push(err));
          });
          throwFirst(failures);
        });
      }
    } finally {
      definitionStack.pop();
    }
  });
}

/** A container of specs. Decorators: Label(...), Ordered, Serial. */
export function Describe(title: string, ...rest: [...Decorator[], ContainerBody]): void {
  defineContainer('Describe', title, rest);
}
export function Context(title: string, ...rest: [...Decorator[], ContainerBody]): void {
  defineContainer('Context', title, rest);
}
export function When(title: string, ...rest: [...Decorator[], ContainerBody]): void {
  // Ginkgo's When reads as a sentence: When("the node is drained") → "when the node is drained".
  defineContainer('When', typeof title === 'string' && title.trim() !== '' ? `when ${title}` : title, rest);
}

/** A spec. Skipped at definition when KUBEXPECT_LABEL_FILTER does not match its labels. */
export function It(title: string, ...rest: [...Decorator[], NodeBody]): void {
  const parsed = parseNodeArgs<NodeBody>('It', title, rest);
  if (parsed.ordered) {
    throw new TypeError(`It("${title}"): Ordered decorates containers (Describe, Context, When), not specs`);
  }
  const container = requireContainer('It');
  const labels = [...container.labels, ...parsed.labels];
  const filter = dslSettings().labelFilter;
  if (filter && !filter.matches(labels)) return;
  const takesLock = parsed.serial && !container.serial;
  const test = it(titleWithLabels(title, parsed.labels), async function () {
    const self = this.test!;
    const scope = specScopeFor(self, container);
    let lock: SerialLock | undefined;
    if (takesLock && inParallelWorker()) {
      // The wait for another worker's Serial spec is not this spec's time.
      const limit = this.timeout();
      this.timeout(0);
      lock = await acquireSerialLock();
      this.timeout(limit);
    }
    try {
      await runNode(this, scope, 'It', parsed.body, lock ? { ...container, lock } : container, {
        fullTitle: self.fullTitle(),
        file: self.file,
        labels,
      });
    } finally {
      await lock?.release();
    }
  });
  if (parsed.timeoutMs !== undefined) test.timeout(parsed.timeoutMs);
  testInfo.set(test, { container, labels });
}

/** Keeps an AfterEach/AfterAll failure for the cleanup hook to throw, so the hooks after it still run. */
async function deferFailure(run: Promise<void>, scope: Scope): Promise<void> {
  try {
    await run;
  } catch (err) {
    if (isMochaPending(err)) throw err;
    scope.deferredFailures.push(err);
  }
}

/** Throws the first failure, with the others' messages appended. */
function throwFirst(failures: readonly unknown[]): void {
  const [first, ...rest] = failures;
  if (first === undefined) return;
  if (first instanceof Error && rest.length > 0) {
    first.message += rest.map((e) => `\n\nand then: ${(e as Error)?.message ?? String(e)}`).join('');
  }
  throw first;
}

function eachHook(kind: 'BeforeEach' | 'AfterEach', body: NodeBody): void {
  if (typeof body !== 'function') throw new TypeError(`${kind}: expected a function`);
  const container = requireContainer(kind);
  const register = kind === 'BeforeEach' ? beforeEach : afterEach;
  register(async function () {
    const test = this.currentTest!;
    const scope = specScopeFor(test, container);
    const run = runNode(this, scope, kind, body, container, {
      fullTitle: test.fullTitle(),
      file: test.file,
      labels: testInfo.get(test)?.labels ?? container.labels,
    });
    // In the outermost container its failure would skip the spec cleanups registered after it.
    await (kind === 'AfterEach' && !container.parent ? deferFailure(run, scope) : run);
  });
}

function allHook(kind: 'BeforeAll' | 'AfterAll', body: NodeBody): void {
  if (typeof body !== 'function') throw new TypeError(`${kind}: expected a function`);
  const container = requireContainer(kind);
  const register = kind === 'BeforeAll' ? before : after;
  register(async function () {
    const suite = this.test?.parent;
    const run = runNode(this, container.scope, kind, body, container, {
      fullTitle: `${suite?.fullTitle() ?? container.title} (${kind})`,
      file: suite?.file ?? this.test?.file,
      labels: container.labels,
    });
    await (kind === 'AfterAll' ? deferFailure(run, container.scope) : run);
  });
}

export function BeforeEach(body: NodeBody): void {
  eachHook('BeforeEach', body);
}
/** Runs after each spec, before the spec's DeferCleanup functions. */
export function AfterEach(body: NodeBody): void {
  eachHook('AfterEach', body);
}
/** Runs once before the container's specs; DeferCleanup inside it runs after the container's AfterAll. */
export function BeforeAll(body: NodeBody): void {
  allHook('BeforeAll', body);
}
export function AfterAll(body: NodeBody): void {
  allHook('AfterAll', body);
}

/** Skips the running spec, keeping the reason in its title. */
export function Skip(reason: string): never {
  const scope = currentScope('Skip');
  const ctx = scope.mochaContext;
  if (!ctx) throw new Error('Skip must be called from a running spec or setup node');
  const runnable = ctx.currentTest ?? ctx.test;
  if (runnable) runnable.title += ` (skipped: ${reason})`;
  return ctx.skip();
}
