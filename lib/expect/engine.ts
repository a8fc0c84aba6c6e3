/**
 * The one wait engine. Eventually evaluates at once, on every change of the observed objects (each
 * watch event, so states shorter than any polling interval are judged too) and on a safety tick;
 * it passes at the first match. Consistently judges the same stream and fails at the first state
 * that does not match, including one that came and went between ticks. Both end on the budget, an
 * AbortSignal, a final API error, or a verdict that says no future change can help.
 */
import { currentCancelSignal, withCallScope } from '../client/index.ts';
import {
  DEADLINE_GRACE_MS,
  type Deadline,
  DeadlineExceededError,
  type Duration,
  graceDeadline,
  parseDuration,
  type ResolvedTimeout,
  resolveTimeout,
  startDeadline,
  type TimeoutSpec,
} from '../timeouts/index.ts';
import { Assertion } from './assertion.ts';
import { type FailureKind, KubeAssertionError } from './failure.ts';
import type { Observation } from './observation.ts';
import { type ProgressOptions, type ProgressSettings, progressLine, progressSettings } from './progress.ts';
import { registerMochaRunnerTimeout } from './mocha-runner-timeout.ts';
import { runnerTimeoutHint } from './runner-timeout.ts';
import type { MatcherDefinition, Verdict } from './verdict.ts';

export interface WaitOptions {
  /** A budget name (`'drainNode'`) or a duration (`'90s'`, `'2m'`, ms). Default the `default` budget (60s). */
  timeout?: TimeoutSpec;
  /** The safety tick: re-evaluate at least this often even without events. Default 1s. */
  poll?: Duration;
  /** Ends the wait early; it then fails with the signal's reason. */
  signal?: AbortSignal;
  /** Progress lines on stderr for long waits (see progress.ts). */
  progress?: boolean | ProgressOptions;
  /** Latest related events to print on failure. Default 5; 0 skips reading events. */
  events?: number;
}

export interface HoldOptions extends Omit<WaitOptions, 'timeout'> {
  /** How long the state must hold: a budget name or a duration. Default the `consistently` budget (5s). */
  for?: TimeoutSpec;
}

/** Options checked and resolved up front, so bad input throws at the call, not after a wait. */
export interface ResolvedWait {
  readonly mode: 'eventually' | 'consistently';
  budget: ResolvedTimeout;
  pollMs: number;
  signal: AbortSignal | undefined;
  progress: ProgressSettings | undefined;
  events: number;
}

const OPTION_NAMES = new Set(['timeout', 'for', 'poll', 'signal', 'progress', 'events']);

/** An AbortSignal, also from another realm or polyfill: what the engine needs of one. */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const v = value as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.aborted === 'boolean' &&
    typeof v.addEventListener === 'function' &&
    typeof v.removeEventListener === 'function'
  );
}

export function resolveWait(
  options: WaitOptions & { for?: TimeoutSpec },
  mode: 'eventually' | 'consistently',
): ResolvedWait {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new TypeError(`${mode}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new TypeError(`${mode}: unknown option '${key}'; known options: ${[...OPTION_NAMES].join(', ')}`);
    }
  }
  if (mode === 'eventually' && options.for !== undefined) {
    throw new TypeError("eventually: 'for' is a consistently option; use 'timeout' for how long to wait");
  }
  if (mode === 'consistently' && options.timeout !== undefined) {
    throw new TypeError("consistently: use 'for' for how long the state must hold, not 'timeout'");
  }
  const budget =
    mode === 'eventually'
      ? resolveTimeout(options.timeout ?? 'default', 'timeout')
      : resolveTimeout(options.for ?? 'consistently', 'for');
  const pollMs = options.poll === undefined ? 1000 : parseDuration(options.poll, 'poll');
  if (pollMs < 10) throw new TypeError('poll: the safety tick must be at least 10ms');
  const events = options.events ?? 5;
  if (!Number.isInteger(events) || events < 0) throw new TypeError('events: expected a non-negative integer');
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    throw new TypeError(
      `signal: expected an AbortSignal (e.g. new AbortController().signal or AbortSignal.timeout(ms)), got ${describeValue(options.signal)}`,
    );
  }
  const wait: ResolvedWait = {
    mode,
    budget,
    pollMs,
    signal: options.signal,
    progress: progressSettings(options.progress),
    events,
  };
  resolvedWaits.add(wait);
  return wait;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object')
    return Array.isArray(v) ? 'an array' : `an object without aborted/addEventListener`;
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

/**
 * A matcher that needs an asynchronous look at the cluster first (expect: 'auto' asks the storage
 * profile). The look runs inside the wait's budget; `expectation` names what is awaited meanwhile.
 */
export type LaterMatcher<S, R> = (() => Promise<MatcherDefinition<S, R>>) & { readonly expectation?: string };

interface RunContext<S, R> {
  mode: 'eventually' | 'consistently';
  description: string;
  open: () => Observation<S>;
  matcher: MatcherDefinition<S, R> | LaterMatcher<S, R>;
  wait: ResolvedWait;
}

/** Resolves or rejects like `promise`, or rejects with the signal's reason when it aborts first. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function run<S, R>(ctx: RunContext<S, R>, cancel: AbortSignal, observing: () => void): Promise<R> {
  const { mode, wait } = ctx;
  // The one deadline of this wait: every API call made for it (list, watch, lookups, events) runs under it.
  // A spec's timeout (kubexpect/dsl's cancel signal) stops the wait too.
  const deadline: Deadline = startDeadline(wait.budget, [cancel, wait.signal, currentCancelSignal()]);
  const started = deadline.startedAt;
  // A spec file loaded later in the same mocha worker gets the hook on its first wait.
  registerMochaRunnerTimeout();
  const runnerHint = runnerTimeoutHint(wait.budget);
  if (runnerHint) process.stderr.write(`kubexpect: ${ctx.description}: ${runnerHint}\n`);
  let observation: Observation<S>;
  try {
    observation = withCallScope(deadline, ctx.open);
  } catch (err) {
    deadline.end();
    return Promise.reject(err);
  }
  return new Promise<R>((resolve, reject) => {
    let done = false;
    let matcher: MatcherDefinition<S, R> | undefined =
      typeof ctx.matcher === 'function' ? undefined : ctx.matcher;
    let last: { state: S; verdict: Verdict<R> } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const progress = wait.progress;
    let nextProgress = started + (progress?.afterMs ?? 0);
    /** The grace after the deadline, once it began: the catch-up and the events read share it. */
    let grace: Deadline | undefined;
    let catchingUp = false;

    const cleanup = () => {
      done = true;
      for (const t of timers) clearTimeout(t);
      unsubscribe();
      deadline.signal.removeEventListener('abort', onDeadline);
      // Whatever is still in flight for this wait (a lookup, a request left hanging) is given up now.
      deadline.end();
      observation.close();
    };

    const finishPass = (value: R) => {
      if (done) return;
      cleanup();
      grace?.end();
      resolve(value);
    };

    const finishFail = (kind: FailureKind, reason: string, abortReason?: string) => {
      if (done) return;
      const lastState = last
        ? observation.describe(last.state)
        : observation.synced
          ? undefined
          : 'never listed';
      const trajectory = observation.trajectory(started);
      const lastError = observation.lastError(started);
      const subject = observation.subject;
      // Stop listening now; the events read happens after, and the cache can close.
      cleanup();
      const wantEvents =
        // Events explain a state; an abort, an unobservable object or one never listed (the server
        // is not answering) has none worth waiting for.
        wait.events > 0 &&
        observation.synced &&
        (kind === 'timeout' || kind === 'violated' || kind === 'final');
      void readEvents(wantEvents).then(({ events, eventsError }) => {
        reject(
          new KubeAssertionError({
            kind,
            subject,
            expectation: matcher?.expectation ?? pendingExpectation(ctx),
            mode,
            // Measured when the failure is made, after the events read: the time the wait really took.
            elapsedMs: Date.now() - started,
            budgetLabel: wait.budget.label,
            reason,
            lastState,
            trajectory: kind === 'unobservable' ? undefined : trajectory,
            lastError,
            events,
            eventsError,
            abortReason,
            runnerHint,
          }),
        );
      });
    };

    /** The latest events, read within the grace after the deadline (and never after the user's abort). */
    const readEvents = async (want: boolean): Promise<{ events?: string[]; eventsError?: string }> => {
      if (!want) {
        grace?.end();
        return {};
      }
      grace ??= graceDeadline(wait.budget, [wait.signal]);
      try {
        const events = await raceSignal(
          withCallScope(grace, () => observation.events(wait.events)),
          grace.signal,
        );
        return { events };
      } catch (err) {
        const why = grace?.signal.aborted ? reasonOf(grace.signal) : (err as Error)?.message;
        return { eventsError: why ?? String(err) };
      } finally {
        grace.end();
      }
    };

    const judge = (state: S) => {
      if (done || !matcher) return;
      let verdict: Verdict<R>;
      try {
        verdict = matcher.test(state);
      } catch (err) {
        finishFail('final', `the matcher ${matcher.name} threw: ${(err as Error).message}`);
        return;
      }
      last = { state, verdict };
      if (mode === 'eventually') {
        if (verdict.pass) finishPass(verdict.value);
        else if (verdict.final) finishFail('final', verdict.reason);
      } else if (!verdict.pass) {
        finishFail('violated', verdict.reason);
      }
    };

    const notYet = () =>
      last
        ? last.verdict.reason
        : matcher
          ? 'no state observed yet'
          : 'the expectation was still being worked out';

    const onChange = (state: S | undefined) => {
      if (done) return;
      if (observation.synced || observation.finalError) observing();
      if (observation.closed) {
        finishFail('aborted', notYet(), 'the connection was closed');
        return;
      }
      if (observation.finalError) {
        finishFail('unobservable', observation.finalError.message);
        return;
      }
      if (!observation.synced) return;
      if (state !== undefined) judge(state);
      else if (!last) judge(observation.state());
    };
    const unsubscribe = observation.subscribe(onChange);

    const timeUp = () => {
      if (done || catchingUp) return;
      // A consistently that already failed, or never listed, has nothing to gain from catching up.
      const canChange = mode === 'eventually' || last?.verdict.pass === true;
      if (matcher && observation.synced && canChange) void catchUp();
      else verdictAtDeadline();
    };

    /**
     * At the deadline the watch may still be delivering changes the server already had (a busy
     * control plane): read the server's state within the grace, judge every change delivered up to
     * it (each goes through onChange), or the state read if the watch lags too far; then decide.
     */
    const catchUp = async () => {
      catchingUp = true;
      grace = graceDeadline(wait.budget, [wait.signal]);
      const g = grace;
      // A quarter of the grace stays for reading the events a failure message shows. Not
      // AbortSignal.timeout inside AbortSignal.any: on Node 20 the garbage collector can take the
      // timeout signal, and the composite then never aborts (the catch-up held the whole grace).
      const readTime = new AbortController();
      const timer = setTimeout(
        () => readTime.abort(new Error('the catch-up read ran out of time')),
        (DEADLINE_GRACE_MS * 3) / 4,
      );
      const signal = AbortSignal.any([g.signal, readTime.signal]);
      let state: S | undefined;
      try {
        state = await raceSignal(
          withCallScope(g, () => observation.catchUp(signal)),
          g.signal,
        );
      } catch {
        // The server did not answer in time: decide on what the watch delivered, as before.
      } finally {
        clearTimeout(timer);
      }
      if (done) return;
      if (state !== undefined) judge(state);
      if (!done) verdictAtDeadline();
    };

    const verdictAtDeadline = () => {
      if (done) return;
      if (mode === 'consistently' && last?.verdict.pass && matcher) {
        const final = observation.synced ? observation.state() : undefined;
        const v = final === undefined ? last.verdict : matcher.test(final);
        if (v.pass) finishPass(v.value);
        else finishFail('violated', v.reason);
      } else if (mode === 'consistently' && !observation.synced) {
        finishFail('timeout', 'the objects were never listed, so nothing could be checked');
      } else if (!matcher) {
        finishFail(
          'timeout',
          'the expected outcome was still being worked out (its look at the cluster had no answer in time)',
        );
      } else {
        finishFail('timeout', last ? last.verdict.reason : 'the objects were never listed');
      }
    };

    const tick = () => {
      if (done) return;
      const now = Date.now();
      if (now >= deadline.at) {
        timeUp();
        return;
      }
      if (observation.finalError) {
        finishFail('unobservable', observation.finalError.message);
        return;
      }
      if (observation.synced) judge(observation.state());
      if (done) return;
      if (progress && now >= nextProgress) {
        nextProgress = now + progress.everyMs;
        const current = last ? last.verdict.reason : 'not listed yet';
        progress.write(
          progressLine(
            `${observation.subject} ${matcher?.expectation ?? ctx.description}`,
            now - started,
            wait.budget.label,
            current,
          ),
        );
      }
      schedule();
    };
    const schedule = () => {
      const now = Date.now();
      let next = Math.min(now + wait.pollMs, deadline.at);
      if (progress && nextProgress > now) next = Math.min(next, nextProgress);
      const t = setTimeout(tick, Math.max(0, next - now));
      timers.push(t);
      if (timers.length > 4) timers.splice(0, timers.length - 4);
    };

    // The deadline's signal aborts when the budget runs out, the user's signal aborts, or cancel() is called.
    function onDeadline() {
      const reason = deadline.signal.reason as unknown;
      if (reason instanceof DeadlineExceededError) timeUp();
      else finishFail('aborted', notYet(), reasonOf(deadline.signal));
    }
    if (deadline.signal.aborted) onDeadline();
    else deadline.signal.addEventListener('abort', onDeadline, { once: true });
    if (done) return;

    if (typeof ctx.matcher === 'function') {
      const later = ctx.matcher;
      // The look happens inside the budget, under the deadline; its failure is this wait's failure.
      raceSignal(
        Promise.resolve().then(() => withCallScope(deadline, later)),
        deadline.signal,
      ).then(
        (m) => {
          if (done) return;
          matcher = m;
          if (observation.synced) judge(observation.state());
        },
        (err: unknown) => {
          if (done || deadline.signal.aborted) return;
          finishFail(
            'unobservable',
            `working out what to expect failed: ${(err as Error)?.message ?? String(err)}`,
          );
        },
      );
    }

    // Evaluate at once when the cache is already in sync (shared with an earlier assertion).
    if (observation.synced || observation.finalError) observing();
    if (observation.finalError) finishFail('unobservable', observation.finalError.message);
    else if (observation.synced) judge(observation.state());
    if (!done) schedule();
  });
}

/** What a wait whose matcher is still being worked out expects, in words. */
function pendingExpectation<S, R>(ctx: RunContext<S, R>): string {
  const m = ctx.matcher;
  if (typeof m === 'function' && typeof m.expectation === 'string') return m.expectation;
  return `to satisfy ${ctx.description.slice(ctx.description.lastIndexOf('.') + 1)}`;
}

function reasonOf(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  if (r instanceof Error) return r.message;
  return r === undefined ? 'aborted' : String(r);
}

/**
 * Waits until `matcher` passes on the observed state; resolves to the matcher's value. `open` is
 * called once, when the wait starts; the observation is closed when it ends. `options` may be
 * options or a wait resolved once by the caller (builders resolve at the call, to check it).
 */
export function eventuallyMatch<S, R>(
  description: string,
  open: () => Observation<S>,
  matcher: MatcherDefinition<S, R> | LaterMatcher<S, R>,
  options: WaitOptions | ResolvedWait = {},
): Assertion<R> {
  const wait = isResolved(options) ? options : resolveWait(options, 'eventually');
  if (wait.mode !== 'eventually')
    throw new TypeError('eventuallyMatch: the wait was resolved for consistently');
  checkMatcher(matcher, description);
  return new Assertion(description, (signal, observing) =>
    run({ mode: 'eventually', description, open, matcher, wait }, signal, observing),
  );
}

/** Checks that `matcher` passes on every observed state for the whole duration; resolves to the last value. */
export function consistentlyMatch<S, R>(
  description: string,
  open: () => Observation<S>,
  matcher: MatcherDefinition<S, R>,
  options: HoldOptions | ResolvedWait = {},
): Assertion<R> {
  const wait = isResolved(options) ? options : resolveWait(options, 'consistently');
  if (wait.mode !== 'consistently')
    throw new TypeError('consistentlyMatch: the wait was resolved for eventually');
  if (typeof matcher === 'function')
    throw new TypeError(`${description}: consistently needs a matcher definition`);
  checkMatcher(matcher, description);
  return new Assertion(description, (signal, observing) =>
    run({ mode: 'consistently', description, open, matcher, wait }, signal, observing),
  );
}

const resolvedWaits = new WeakSet<object>();

function isResolved(options: object): options is ResolvedWait {
  return resolvedWaits.has(options);
}

function checkMatcher(matcher: unknown, description: string): void {
  if (typeof matcher === 'function') return;
  const m = matcher as Partial<MatcherDefinition<unknown, unknown>> | null;
  if (!m || typeof m.test !== 'function' || typeof m.expectation !== 'string') {
    throw new TypeError(`${description}: expected a matcher definition { name, expectation, test(state) }`);
  }
}
