/**
 * One retry policy for every API call: transient errors are retried with backoff (honouring
 * Retry-After) and recorded; final errors stop at once as a KubeApiError; NotFound is returned to
 * the caller as a state.
 */
import pRetry, { AbortError } from 'p-retry';
import { type ClassifiedError, classifyError, KubeApiError } from './errors.ts';
import { sleep } from './sleep.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. Default 6. */
  retries?: number;
  /** First backoff delay in ms. Default 100. */
  minDelayMs?: number;
  /** Largest backoff delay in ms. Default 2000. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, in ms (a server asking for more is capped). Default 10000. */
  maxRetryAfterMs?: number;
}

export interface CallOptions {
  /** The namespace the call addresses, so a missing namespace is told apart from a missing object. */
  namespace?: string;
  signal?: AbortSignal;
  /** Called for every transient failure (including the last one). */
  onTransient?: (error: ClassifiedError) => void;
  policy?: RetryPolicy;
}

/** Thrown (internally) to carry a NotFound out of p-retry untouched. */
class NotFoundSignal extends Error {
  constructor(readonly classified: ClassifiedError) {
    super(classified.message);
  }
}

/**
 * Runs `fn` under the policy. Resolves to its value, or to `undefined` when the object is not found
 * (only when `notFoundIsState`), and rejects with a KubeApiError for final errors or when transient
 * errors outlast the retries.
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
  try {
    return await pRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          if (options.signal?.aborted) throw new AbortError(new Error('the operation was aborted'));
          const classified = classifyError(err, options.namespace);
          if (classified.class === 'notFound') throw new AbortError(new NotFoundSignal(classified));
          if (classified.class === 'final') throw new AbortError(new KubeApiError(operation, classified));
          options.onTransient?.(classified);
          throw Object.assign(new Error(classified.message), { classified });
        }
      },
      {
        retries: policy.retries ?? 6,
        minTimeout: policy.minDelayMs ?? 100,
        maxTimeout: policy.maxDelayMs ?? 2000,
        factor: 2,
        randomize: true,
        signal: options.signal,
        async onFailedAttempt({ error }) {
          const wait = (error as { classified?: ClassifiedError }).classified?.retryAfterMs;
          if (wait) await sleep(Math.min(wait, policy.maxRetryAfterMs ?? 10_000), options.signal);
        },
      },
    );
  } catch (err) {
    if (err instanceof NotFoundSignal) {
      if (options.notFoundIsState) return undefined;
      throw new KubeApiError(operation, err.classified);
    }
    if (err instanceof KubeApiError) throw err;
    const classified = (err as { classified?: ClassifiedError }).classified;
    if (classified)
      throw new KubeApiError(operation, {
        ...classified,
        message: `${classified.message} (gave up after retries)`,
      });
    throw err;
  }
}
