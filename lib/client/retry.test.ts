import { expect } from 'chai';
import { KubeApiError } from './errors.ts';
import { callWithRetry } from './retry.ts';

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
});
