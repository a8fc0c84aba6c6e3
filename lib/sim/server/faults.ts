/**
 * Fault injection for HTTP clients of the embedded cluster: a share of requests answered with 500,
 * 503 or 429 (with Retry-After), added latency, watch streams closed every few seconds, and 410
 * Expired for watches that resume from an older resourceVersion. Off by default; the simulator's
 * own controllers use the Api directly and never see a fault. Health endpoints are exempt (the
 * HTTP front answers them before any interceptor runs).
 */
import { internalError, serviceUnavailable, type StatusError, tooManyRequests } from '../api/errors.ts';
import type { Random } from '../random.ts';
import type { RequestInfo, RequestInterceptor } from './http.ts';

export type FaultCode = 429 | 500 | 503;

export interface FaultOptions {
  /** Share of requests (0 to 1) answered with an error instead of being served. Default 0. */
  errorRate?: number;
  /** The errors to draw from, uniformly. Default [500, 503, 429]. */
  errorCodes?: FaultCode[];
  /** Retry-After (and details.retryAfterSeconds) of injected 429s. Default 1. */
  retryAfterSeconds?: number;
  /** Delay added before every request is served, in real milliseconds. Default 0. */
  latencyMs?: number;
  /** Close every watch stream this many real seconds after it opens. Default: never. */
  closeWatchesEverySeconds?: number;
  /**
   * Answer watches that resume with an ERROR 410 Expired event: `true` always, a number for that
   * share. A resume is a watch from a resourceVersion older than the one current when the faults
   * were set, or, once per watch a fault closed, one from no later than the moment it closed. So a
   * client whose watch was closed gets 410 on resuming, relists, and can then watch again. Default false.
   */
  expireOnResume?: boolean | number;
}

const ALL_CODES: readonly FaultCode[] = [500, 503, 429];

/** Checks fault options, throwing a TypeError that says which value is wrong and what is accepted. */
function checkFaultOptions(options: FaultOptions): FaultOptions {
  const fail = (what: string): never => {
    throw new TypeError(`faults: ${what}`);
  };
  const { errorRate, errorCodes, retryAfterSeconds, latencyMs, closeWatchesEverySeconds, expireOnResume } =
    options;
  const known = new Set([
    'errorRate',
    'errorCodes',
    'retryAfterSeconds',
    'latencyMs',
    'closeWatchesEverySeconds',
    'expireOnResume',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key))
      fail(`unknown option ${JSON.stringify(key)}; known options are ${[...known].join(', ')}`);
  }
  if (errorRate !== undefined && !(typeof errorRate === 'number' && errorRate >= 0 && errorRate <= 1)) {
    fail(`errorRate must be a number from 0 to 1, got ${String(errorRate)}`);
  }
  if (errorCodes !== undefined) {
    if (!Array.isArray(errorCodes) || errorCodes.length === 0) {
      fail('errorCodes must be a non-empty list of 500, 503 and 429');
    }
    for (const code of errorCodes) {
      if (!ALL_CODES.includes(code)) fail(`errorCodes may contain 500, 503 and 429, got ${String(code)}`);
    }
  }
  if (retryAfterSeconds !== undefined && !(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 1)) {
    fail(`retryAfterSeconds must be a whole number of seconds, at least 1, got ${String(retryAfterSeconds)}`);
  }
  if (
    latencyMs !== undefined &&
    !(typeof latencyMs === 'number' && latencyMs >= 0 && Number.isFinite(latencyMs))
  ) {
    fail(`latencyMs must be a number of milliseconds, 0 or more, got ${String(latencyMs)}`);
  }
  if (
    closeWatchesEverySeconds !== undefined &&
    !(
      typeof closeWatchesEverySeconds === 'number' &&
      closeWatchesEverySeconds > 0 &&
      Number.isFinite(closeWatchesEverySeconds)
    )
  ) {
    fail(
      `closeWatchesEverySeconds must be a positive number of seconds, got ${String(closeWatchesEverySeconds)}`,
    );
  }
  if (
    expireOnResume !== undefined &&
    typeof expireOnResume !== 'boolean' &&
    !(typeof expireOnResume === 'number' && expireOnResume >= 0 && expireOnResume <= 1)
  ) {
    fail(`expireOnResume must be true, false or a number from 0 to 1, got ${String(expireOnResume)}`);
  }
  return { ...options };
}

/** The RequestInterceptor that injects the faults; its options can change while the server runs. */
export class FaultInjector implements RequestInterceptor {
  private options: FaultOptions = {};
  private readonly random: Random;
  private readonly currentResourceVersion: () => number;
  /** Resumes from before this resourceVersion count as too old (see expireOnResume). */
  private compactedAt = 0;
  /** The resourceVersion when a fault last closed a watch, and how many closed watches have not resumed. */
  private closedAt = 0;
  private unresumedCloses = 0;

  constructor(random: Random, currentResourceVersion: () => number, options: FaultOptions = {}) {
    this.random = random;
    this.currentResourceVersion = currentResourceVersion;
    this.set(options);
  }

  /** Replaces the fault options (undefined or {} turns every fault off). */
  set(options: FaultOptions | undefined): void {
    this.options = checkFaultOptions(options ?? {});
    this.compactedAt = this.currentResourceVersion();
    this.unresumedCloses = 0;
  }

  get current(): FaultOptions {
    return { ...this.options };
  }

  async before(_info: RequestInfo): Promise<void> {
    const { latencyMs, errorRate } = this.options;
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (errorRate && this.random() < errorRate) throw this.error();
  }

  private error(): StatusError {
    const codes = this.options.errorCodes ?? ALL_CODES;
    const code = codes[Math.floor(this.random() * codes.length)]!;
    if (code === 429) {
      return tooManyRequests(
        'Too many requests, please try again later.',
        this.options.retryAfterSeconds ?? 1,
      );
    }
    if (code === 503) return serviceUnavailable('the server is currently unable to handle the request');
    return internalError('an error injected by the kubexpect simulator');
  }

  onWatch(_info: RequestInfo, close: () => void): (() => void) | undefined {
    const every = this.options.closeWatchesEverySeconds;
    if (!every) return undefined;
    const timer = setTimeout(() => {
      this.closedAt = this.currentResourceVersion();
      this.unresumedCloses++;
      close();
    }, every * 1000);
    return () => clearTimeout(timer);
  }

  expireResume(info: RequestInfo): boolean {
    const rate = this.options.expireOnResume;
    if (!rate) return false;
    const requested = Number(info.query.get('resourceVersion'));
    if (!Number.isInteger(requested) || requested <= 0) return false;
    const beforeSet = requested < this.compactedAt;
    const afterClose = this.unresumedCloses > 0 && requested <= this.closedAt;
    if (!beforeSet && !afterClose) return false;
    if (rate !== true && this.random() >= rate) return false;
    // Each closed watch expires one resume; the relisted watch that follows is served.
    if (!beforeSet) this.unresumedCloses--;
    return true;
  }
}
