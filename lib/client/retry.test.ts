import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { KubeApiError } from './errors.ts';
import { callWithRetry } from './retry.ts';
import { currentRequestSignal, withCallScope } from './scope.ts';

const status = (code: number, reason: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), {
    code,
    body: JSON.stringify({ kind: 'Status', code, reason, message: `${reason} from the server` }),
    headers,
  });

describe('callWithRetry', () => {
  it('retries a 429 after the Retry-After the server asked for, and records it', async () => {
    let calls = 0;
    const seen: string[] = [];
    const started = Date.now();
    const value = await callWithRetry(
      'get pod a/b',
      async () => {
        calls++;
        if (calls === 1) throw status(429, 'TooManyRequests', { 'retry-after': '1' });
        return 'ok';
      },
      { onTransient: (e) => seen.push(e.message), policy: { minDelayMs: 1, maxRetryAfterMs: 300 } },
    );
    expect(value).to.equal('ok');
    expect(calls).to.equal(2);
    expect(Date.now() - started).to.be.at.least(290);
    expect(seen).to.deep.equal(['429 TooManyRequests: TooManyRequests from the server']);
  });

  it('stops at once on a final error, with what to fix', async () => {
    let calls = 0;
    const err = await callWithRetry('create pod a/b', async () => {
      calls++;
      throw status(403, 'Forbidden');
    }).catch((e: unknown) => e);
    expect(calls).to.equal(1);
    expect(err).to.be.instanceOf(KubeApiError);
    expect((err as Error).message).to.equal(
      'create pod a/b failed: permission denied (403 Forbidden): Forbidden from the server; grant this verb and resource to the user or service account (RBAC)',
    );
  });

  it('gives up on transient errors after the retries, saying so', async () => {
    let calls = 0;
    const err = await callWithRetry(
      'list pods in a',
      async () => {
        calls++;
        throw status(503, 'ServiceUnavailable');
      },
      { policy: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(3);
    expect((err as Error).message).to.equal(
      'list pods in a failed: 503 ServiceUnavailable: ServiceUnavailable from the server (gave up after retries)',
    );
  });

  it('returns undefined for NotFound only when asked to treat it as a state', async () => {
    const notFound = async () => {
      throw Object.assign(status(404, 'NotFound'), {
        body: JSON.stringify({
          kind: 'Status',
          code: 404,
          reason: 'NotFound',
          message: 'pods "b" not found',
          details: { name: 'b', kind: 'pods' },
        }),
      });
    };
    expect(await callWithRetry('get pod a/b', notFound, { notFoundIsState: true })).to.equal(undefined);
    const err = await callWithRetry('get pod a/b', notFound).catch((e: unknown) => e);
    expect((err as Error).message).to.equal('get pod a/b failed: pods "b" not found');
  });

  it('inside a scope retries transient errors until its deadline, not a fixed count, and names the last one', async () => {
    let calls = 0;
    const scope = { at: Date.now() + 800, signal: AbortSignal.timeout(800) };
    const err = await withCallScope(scope, () =>
      callWithRetry(
        'list pods in a',
        async () => {
          calls++;
          throw status(503, 'ServiceUnavailable');
        },
        { policy: { retries: 1, minDelayMs: 10, maxDelayMs: 20 } },
      ),
    ).catch((e: unknown) => e);
    expect(calls).to.be.greaterThan(2);
    expect(err).to.be.instanceOf(KubeApiError);
    expect((err as Error).message).to.match(
      /^list pods in a failed: 503 ServiceUnavailable: ServiceUnavailable from the server \(still failing when the deadline came: /,
    );
  });

  it('gives every request a signal of its own, so many requests under one deadline add no listeners to it', async () => {
    // fetch adds an abort listener to the signal of each request; past ten on one signal Node warns of a leak.
    const scope = { at: Date.now() + 5000, signal: new AbortController().signal };
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const requestSignals: AbortSignal[] = [];
    const calls = withCallScope(scope, () =>
      Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          callWithRetry(`evict pod ${i}`, async () => {
            const signal = currentRequestSignal()!;
            requestSignals.push(signal);
            signal.addEventListener('abort', () => {}, { once: true });
            await released;
            return i;
          }),
        ),
      ),
    );
    while (requestSignals.length < 15) await new Promise((r) => setTimeout(r, 5));
    expect(getEventListeners(scope.signal, 'abort')).to.have.length(0);
    expect(new Set(requestSignals).size).to.equal(15);
    release();
    expect(await calls).to.have.length(15);
  });

  it('passes once the server answers again within the deadline', async () => {
    let calls = 0;
    const scope = { at: Date.now() + 30_000, signal: AbortSignal.timeout(30_000) };
    const value = await withCallScope(scope, () =>
      callWithRetry(
        'get pod a/b',
        async () => {
          if (++calls < 12)
            throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
          return 'back';
        },
        { policy: { minDelayMs: 1, maxDelayMs: 5 } },
      ),
    );
    expect(value).to.equal('back');
  });

  it('gives up an attempt that never answers after the request timeout and retries it', async () => {
    let calls = 0;
    const value = await callWithRetry(
      'get pod a/b',
      () => {
        calls++;
        // The first attempt hangs and ignores every signal; only the race ends it.
        return calls === 1 ? new Promise<string>(() => {}) : Promise.resolve('second');
      },
      { policy: { requestTimeoutMs: 100, minDelayMs: 1 } },
    );
    expect(value).to.equal('second');
    expect(calls).to.equal(2);
  });

  it('stops at once when its signal aborts, saying why', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the spec ended')), 50);
    const err = await callWithRetry('get pod a/b', () => new Promise<string>(() => {}), {
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).to.equal('AbortError');
    expect((err as Error).message).to.equal('get pod a/b: the spec ended');
  });
});
