/**
 * One retry policy for every API call: transient errors are retried with backoff (honouring
 * Retry-After) and recorded; final errors stop at once as a KubeApiError; NotFound is returned to
 * the caller as a state. Inside a call scope (a wait, a drain) transient errors are retried until
 * the scope's deadline, not a fixed number of times; every attempt carries the scope's signal and
 * its own request timeout, so no attempt outlives the deadline whatever the server does.
 */
import { type ClassifiedError, classifyError, KubeApiError } from './errors.ts';
import {
  type CallScope,
  currentCallScope,
  currentCancelSignal,
  REQUEST_TIMEOUT_MS,
  withRequestSignal,
} from './scope.ts';
import { sleep } from './sleep.ts';

export interface RetryPolicy {
  /** Retries after the first attempt, outside a call scope. Default 6. Inside one: until its deadline. */
  retries?: number;
  /** First backoff delay in ms. Default 100. */
  minDelayMs?: number;
  /** Largest backoff delay in ms. Default 2000. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, in ms (a server asking for more is capped). Default 10000. */
  maxRetryAfterMs?: number;
  /** Longest single request attempt, in ms; a slower answer is a transient timeout. Default 15000. */
  requestTimeoutMs?: number;
}

export interface CallOptions {
  /** The namespace the call addresses, so a missing namespace is told apart from a missing object. */
  namespace?: string;
  /** Ends the call (and any retry) early. */
  signal?: AbortSignal;
  /** The deadline to retry until; default the scope the call runs in (see withCallScope). */
  scope?: CallScope;
  /** Called for every transient failure (including the last one). */
  onTransient?: (error: ClassifiedError) => void;
  /** Called before each retry with the delay chosen (the server's Retry-After, or the backoff). */
  onRetry?: (error: ClassifiedError, delayMs: number) => void;
  /** Classifies this call's errors where it differs from the one classifier (undefined: use it). */
  classify?: (err: unknown) => ClassifiedError | undefined;
  policy?: RetryPolicy;
}

/** Rejects with the signal's reason when it aborts first: a request that ignores its signal still ends. */
function raced<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = withRequestSignal(signal, fn);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
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

/**
 * One attempt: the outer signal plus a request timeout (a TimeoutError, classified transient).
 * No timeout when the scope ends first (`timeoutMs` undefined): then the deadline ends it.
 */
async function attempt<T>(
  fn: () => Promise<T>,
  outer: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<T> {
  // A signal of the request's own even then: fetch adds an abort listener to the signal it gets, and
  // many requests share one deadline (a drain's evictions), where Node warns past ten listeners.
  if (timeoutMs === undefined && outer) return raced(fn, AbortSignal.any([outer]));
  const ms = timeoutMs ?? REQUEST_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms}ms`, 'TimeoutError')),
    ms,
  );
  timer.unref?.();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  try {
    return await raced(fn, signal);
  } finally {
    clearTimeout(timer);
  }
}

function abortMessage(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error && r.message ? r.message : 'the operation was aborted';
}

/**
 * Runs `fn` under the policy. Resolves to its value, or to `undefined` when the object is not found
 * (only when `notFoundIsState`), and rejects with a KubeApiError for final errors or when transient
 * errors outlast the retries (or the scope's deadline).
 */
export async function callWithRetry<T>(
  operation: string,
  fn: () => Promise<T>,
  options: CallOptions & { notFoundIsState: true },
): Promise<T | undefined>;
export async function callWithRetry<T>(
  operation: string,
  fn: () => Promise<T>,
  options?: CallOptions,
): Promise<T>;
export async function callWithRetry<T>(
  operation: string,
  fn: () => Promise<T>,
  options: CallOptions & { notFoundIsState?: boolean } = {},
): Promise<T | undefined> {
  const policy = options.policy ?? {};
  const scope = options.scope ?? currentCallScope();
  const signals = [options.signal, scope?.signal, currentCancelSignal()].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  const requestTimeoutMs = policy.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  let lastTransient: ClassifiedError | undefined;
  const aborted = () => {
    const message = signal ? abortMessage(signal) : 'the operation was aborted';
    // The deadline came while the server kept failing: say what it kept answering.
    if (lastTransient && scope?.signal.aborted && !options.signal?.aborted) {
      return new KubeApiError(operation, {
        ...lastTransient,
        message: `${lastTransient.message} (still failing when the deadline came: ${message})`,
      });
    }
    return Object.assign(new Error(`${operation}: ${message}`), { name: 'AbortError' });
  };
  const retries = policy.retries ?? 6;
  const minDelayMs = policy.minDelayMs ?? 100;
  const maxDelayMs = policy.maxDelayMs ?? 2000;
  for (let failures = 0; ; failures++) {
    if (signal?.aborted) throw aborted();
    const left = scope ? scope.at - Date.now() : Number.POSITIVE_INFINITY;
    let classified: ClassifiedError;
    try {
      return await attempt(fn, signal, requestTimeoutMs < left ? requestTimeoutMs : undefined);
    } catch (err) {
      if (signal?.aborted) throw aborted();
      classified = options.classify?.(err) ?? classifyError(err, options.namespace);
    }
    if (classified.class === 'notFound') {
      if (options.notFoundIsState) return undefined;
      throw new KubeApiError(operation, classified);
    }
    if (classified.class === 'final') throw new KubeApiError(operation, classified);
    lastTransient = classified;
    options.onTransient?.(classified);
    // Outside a scope a fixed number of retries; inside one, until its deadline.
    if (!scope && failures >= retries) {
      throw new KubeApiError(operation, {
        ...classified,
        message: `${classified.message} (gave up after retries)`,
      });
    }
    // The server's Retry-After replaces the backoff; otherwise exponential, randomised ×1–2 (as p-retry).
    const backoff = Math.min(maxDelayMs, minDelayMs * 2 ** failures * (1 + Math.random()));
    const delay =
      classified.retryAfterMs !== undefined
        ? Math.min(classified.retryAfterMs, policy.maxRetryAfterMs ?? 10_000)
        : backoff;
    options.onRetry?.(classified, delay);
    try {
      await sleep(delay, signal);
    } catch {
      throw aborted();
    }
  }
}
