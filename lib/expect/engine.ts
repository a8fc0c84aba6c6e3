/**
 * The one wait engine. Eventually evaluates at once, on every change of the observed objects (each
 * watch event, so states shorter than any polling interval are judged too) and on a safety tick;
 * it passes at the first match. Consistently judges the same stream and fails at the first state
 * that does not match, including one that came and went between ticks. Both end on the budget, an
 * AbortSignal, a final API error, or a verdict that says no future change can help.
 */
import {
  type Duration,
  parseDuration,
  type ResolvedTimeout,
  resolveTimeout,
  type TimeoutSpec,
} from '../timeouts/index.ts';
import { Assertion } from './assertion.ts';
import { type FailureKind, KubeAssertionError } from './failure.ts';
import type { Observation } from './observation.ts';
import { type ProgressOptions, type ProgressSettings, progressLine, progressSettings } from './progress.ts';
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
  budget: ResolvedTimeout;
  pollMs: number;
  signal: AbortSignal | undefined;
  progress: ProgressSettings | undefined;
  events: number;
}

const OPTION_NAMES = new Set(['timeout', 'for', 'poll', 'signal', 'progress', 'events']);

export function resolveWait(
  options: WaitOptions & { for?: TimeoutSpec },
  mode: 'eventually' | 'consistently',
): ResolvedWait {
  if (options === null || typeof options !== 'object')
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
  return { budget, pollMs, signal: options.signal, progress: progressSettings(options.progress), events };
}

interface RunContext<S, R> {
  mode: 'eventually' | 'consistently';
  open: () => Observation<S>;
  matcher: MatcherDefinition<S, R>;
  wait: ResolvedWait;
}

function run<S, R>(ctx: RunContext<S, R>, signal: AbortSignal, observing: () => void): Promise<R> {
  const { mode, matcher, wait } = ctx;
  const started = Date.now();
  const deadline = started + wait.budget.ms;
  let observation: Observation<S>;
  try {
    observation = ctx.open();
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<R>((resolve, reject) => {
    let done = false;
    let last: { state: S; verdict: Verdict<R> } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const progress = wait.progress;
    let nextProgress = started + (progress?.afterMs ?? 0);

    const cleanup = () => {
      done = true;
      for (const t of timers) clearTimeout(t);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      wait.signal?.removeEventListener('abort', onUserAbort);
      observation.close();
    };

    const finishPass = (value: R) => {
      if (done) return;
      cleanup();
      resolve(value);
    };

    const finishFail = (kind: FailureKind, reason: string, abortReason?: string) => {
      if (done) return;
      const elapsedMs = Date.now() - started;
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
      const eventsPromise =
        // Events explain a state; an abort or an unobservable object has none worth reading.
        wait.events > 0 && (kind === 'timeout' || kind === 'violated' || kind === 'final')
          ? observation.events(wait.events).catch(() => [])
          : Promise.resolve(undefined);
      void eventsPromise.then((events) => {
        reject(
          new KubeAssertionError({
            kind,
            subject,
            expectation: matcher.expectation,
            mode,
            elapsedMs,
            budgetLabel: wait.budget.label,
            reason,
            lastState,
            trajectory: kind === 'unobservable' ? undefined : trajectory,
            lastError,
            events: events ?? undefined,
            abortReason,
          }),
        );
      });
    };

    const judge = (state: S) => {
      if (done) return;
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

    const onChange = (state: S | undefined) => {
      if (done) return;
      if (observation.synced || observation.finalError) observing();
      if (observation.closed) {
        finishFail(
          'aborted',
          last ? last.verdict.reason : 'no state observed yet',
          'the connection was closed',
        );
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

    const tick = () => {
      if (done) return;
      const now = Date.now();
      if (now >= deadline) {
        if (mode === 'consistently' && last?.verdict.pass) {
          const final = observation.synced ? observation.state() : undefined;
          const v = final === undefined ? last.verdict : matcher.test(final);
          if (v.pass) finishPass(v.value);
          else finishFail('violated', v.reason);
        } else if (mode === 'consistently' && !observation.synced) {
          finishFail('timeout', 'the objects were never listed, so nothing could be checked');
        } else {
          finishFail('timeout', last ? last.verdict.reason : 'the objects were never listed');
        }
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
            `${observation.subject} ${matcher.expectation}`,
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
      let next = Math.min(now + wait.pollMs, deadline);
      if (progress && nextProgress > now) next = Math.min(next, nextProgress);
      const t = setTimeout(tick, Math.max(0, next - now));
      timers.push(t);
      if (timers.length > 4) timers.splice(0, timers.length - 4);
    };

    const onAbort = () =>
      finishFail('aborted', last ? last.verdict.reason : 'no state observed yet', reasonOf(signal));
    const onUserAbort = () =>
      finishFail('aborted', last ? last.verdict.reason : 'no state observed yet', reasonOf(wait.signal!));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    if (wait.signal?.aborted) onUserAbort();
    else wait.signal?.addEventListener('abort', onUserAbort, { once: true });
    if (done) return;

    // Evaluate at once when the cache is already in sync (shared with an earlier assertion).
    if (observation.synced || observation.finalError) observing();
    if (observation.finalError) finishFail('unobservable', observation.finalError.message);
    else if (observation.synced) judge(observation.state());
    if (!done) schedule();
  });
}

function reasonOf(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  if (r instanceof Error) return r.message;
  return r === undefined ? 'aborted' : String(r);
}

/**
 * Waits until `matcher` passes on the observed state; resolves to the matcher's value. `open` is
 * called once, when the wait starts; the observation is closed when it ends.
 */
export function eventuallyMatch<S, R>(
  description: string,
  open: () => Observation<S>,
  matcher: MatcherDefinition<S, R> | (() => Promise<MatcherDefinition<S, R>>),
  options: WaitOptions = {},
): Assertion<R> {
  const wait = resolveWait(options, 'eventually');
  return new Assertion(description, async (signal, observing) => {
    // A matcher may need a look at the cluster first (expect: 'auto' asks the storage profile).
    const m = typeof matcher === 'function' ? await matcher() : matcher;
    return run({ mode: 'eventually', open, matcher: m, wait }, signal, observing);
  });
}

/** Checks that `matcher` passes on every observed state for the whole duration; resolves to the last value. */
export function consistentlyMatch<S, R>(
  description: string,
  open: () => Observation<S>,
  matcher: MatcherDefinition<S, R>,
  options: HoldOptions = {},
): Assertion<R> {
  const wait = resolveWait(options, 'consistently');
  return new Assertion(description, (signal, observing) =>
    run({ mode: 'consistently', open, matcher, wait }, signal, observing),
  );
}
