import type { V1Pod } from '@kubernetes/client-node';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { connect } from '../client/index.ts';
import { KubeAssertionError } from '../expect/index.ts';
import { simOf, simOnlyIt } from '../controlplane/testing/test-target.ts';
import { FlakyProxy } from '../observe/testing/flaky-proxy.ts';
import { consistentlyPod, eventually, eventuallyPod, eventuallyPods, objectRef, PODS } from '../index.ts';
import { createPod, deletePod, setPodStatus, sleep, useSim } from './testing/sim-fixture.ts';

use(chaiAsPromised);

describe('eventually and consistently', () => {
  const f = useSim('engine');

  it('passes at once when the state already matches, resolving to the object', async () => {
    await createPod(f, 'now', { nodeName: 'n1' });
    await setPodStatus(f, 'now', { phase: 'Running' });
    const pod = await eventuallyPod(f.conn, f.ns, 'now', { timeout: '30s' }).toBeRunning();
    expect(pod.metadata?.name).to.equal('now');
  });

  it('passes on the watch event that matches, long before the next safety tick', async () => {
    await createPod(f, 'evt', { nodeName: 'n1' });
    const started = Date.now();
    const waiting = eventuallyPod(f.conn, f.ns, 'evt', { timeout: '10s', poll: '5s' }).toBeRunning();
    await sleep(100);
    await setPodStatus(f, 'evt', { phase: 'Running' });
    await waiting;
    expect(Date.now() - started).to.be.below(2000);
  });

  it('catches a Pending that lasts 50 ms between 1 s ticks', async () => {
    await createPod(f, 'blip', { nodeName: 'n1' });
    await setPodStatus(f, 'blip', { phase: 'Running' });
    const waiting = eventuallyPod(f.conn, f.ns, 'blip', { timeout: '3s', poll: '1s' }).toBePending();
    await sleep(150);
    await setPodStatus(f, 'blip', { phase: 'Pending' });
    await sleep(50);
    await setPodStatus(f, 'blip', { phase: 'Running' });
    const seen = await waiting;
    expect(seen.status?.phase).to.equal('Pending');
  });

  it('Consistently fails on a violation that came and went between ticks', async () => {
    await createPod(f, 'steady', { nodeName: 'n1' });
    await setPodStatus(f, 'steady', { phase: 'Running' });
    const holding = consistentlyPod(f.conn, f.ns, 'steady', { for: '2s', poll: '1s' }).toBeRunning();
    await sleep(150);
    await setPodStatus(f, 'steady', { phase: 'Pending' });
    await setPodStatus(f, 'steady', { phase: 'Running' });
    const err = await holding.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(KubeAssertionError);
    const message = (err as Error).message;
    expect(message).to.match(
      /^Failed after [\d.]+m?s of 2s: expected pod engine\/steady to be Running throughout, but it was not\.\n/,
    );
    expect(message).to.include('  violation: Pending on n1, uid ');
    expect(message).to.match(/MODIFIED {2}watch {3}uid \w{8} {2}rv \d+ {2}Pending {2}node=n1\n/);
  });

  it('Consistently passes when the state holds for the whole duration', async () => {
    await createPod(f, 'calm', { nodeName: 'n2' });
    const started = Date.now();
    const pod = await consistentlyPod(f.conn, f.ns, 'calm', { for: '1s', poll: '100ms' }).toBeOnNode('n2');
    expect(Date.now() - started).to.be.at.least(290);
    expect(pod.spec?.nodeName).to.equal('n2');
  });

  it('times out with the object, expectation, budget, state, trajectory, last error and events', async () => {
    await createPod(f, 'slow');
    await f.conn.core.createNamespacedEvent({
      namespace: f.ns,
      body: {
        metadata: { name: 'slow.1' },
        involvedObject: { kind: 'Pod', name: 'slow', namespace: f.ns },
        reason: 'FailedScheduling',
        message: '0/3 nodes are available: 3 node(s) were unschedulable.',
        type: 'Warning',
        count: 2,
      },
    });
    const err = await eventuallyPod(f.conn, f.ns, 'slow', { timeout: '1s', poll: '100ms' })
      .toBeReady()
      .catch((e: unknown) => e);
    const lines = (err as Error).message.split('\n');
    expect(lines[0]).to.match(/^Timed out after [\d.]+m?s of 1s: expected pod engine\/slow to be Ready\.$/);
    expect(lines[1]).to.match(/^ {2}last seen: no Ready condition, Pending unscheduled, uid \w{8}$/);
    expect(lines[2]).to.match(/^ {2}state: Pending, unscheduled, uid \w{8}$/);
    expect(lines[3]).to.equal('  trajectory (time since the wait began):');
    expect(lines[4]).to.match(
      /^ +[-+]\d\.\d{3}s {2}LISTED {4}list {4}uid \w{8} {2}rv \d+ {2}Pending {2}node=-$/,
    );
    expect(lines.slice(5)).to.deep.equal([
      '  last API error: none',
      '  latest events:',
      '    Warning FailedScheduling (x2): 0/3 nodes are available: 3 node(s) were unschedulable.',
    ]);
  });

  it('stops when the AbortSignal fires, saying why', async () => {
    await createPod(f, 'abort');
    const controller = new AbortController();
    const waiting = eventuallyPod(f.conn, f.ns, 'abort', {
      timeout: '10s',
      signal: controller.signal,
    }).toBeRunning();
    setTimeout(() => controller.abort(new Error('the spec was interrupted')), 100);
    await expect(waiting).to.be.rejectedWith(
      /^Stopped after [\d.]+m?s of 10s \(the spec was interrupted\): expected pod engine\/abort to be Running\./,
    );
  });

  it('stops when the connection is closed under it', async () => {
    const other = await connect({ kubeconfig: f.cluster.kubeconfig });
    await createPod(f, 'closing');
    const waiting = eventuallyPod(other, f.ns, 'closing', { timeout: '10s' }).toBeRunning();
    await waiting.observing;
    other.close();
    await expect(waiting).to.be.rejectedWith(
      /^Stopped after [\d.]+m?s of 10s \(the connection was closed\): expected pod engine\/closing to be Running\./,
    );
  });

  it('fails in under a second with a clear message when the namespace does not exist', async () => {
    const started = Date.now();
    const err = await eventuallyPod(f.conn, 'no-such-ns', 'x', { timeout: '1m' })
      .toBeReady()
      .catch((e: unknown) => e);
    expect(Date.now() - started).to.be.below(1000);
    expect((err as Error).message).to.match(
      /^Cannot observe pod no-such-ns\/x \(after [\d.]+m?s of 1m \(default\)|^Cannot observe pod no-such-ns\/x \(after [\d.]+m?s of 1m\)/,
    );
    expect((err as Error).message).to.include(
      'namespace "no-such-ns" does not exist; create it first or check the name',
    );
  });

  simOnlyIt(
    'fails in under a second when the credentials are rejected, without printing them',
    'edits the embedded cluster bearer token; the real 401 is checked in lib/controlplane',
    async () => {
      const token = f.cluster.kubeconfig.match(/token: (\S+)/)![1]!;
      const bad = await connect({ kubeconfig: f.cluster.kubeconfig.replace(token, 'not-the-token') });
      try {
        const started = Date.now();
        const err = await eventuallyPod(bad, f.ns, 'x', { timeout: '1m' })
          .toBeReady()
          .catch((e: unknown) => e);
        expect(Date.now() - started).to.be.below(1000);
        expect((err as Error).message).to.include(
          'the API server did not accept the credentials (401 Unauthorized)',
        );
        expect((err as Error).message).not.to.include('not-the-token');
      } finally {
        bad.close();
      }
    },
  );

  it('rejects bad options at the call, before any waiting', () => {
    expect(() => eventuallyPod(f.conn, f.ns, 'x', { timeout: 'forever' as never })).to.throw(
      /^timeout: unknown budget 'forever'; use one of short, /,
    );
    expect(() => eventuallyPod(f.conn, f.ns, 'x', { for: '1s' })).to.throw(
      "eventually: 'for' is a consistently option; use 'timeout' for how long to wait",
    );
    expect(() => consistentlyPod(f.conn, f.ns, 'x', { timeout: '1s' })).to.throw(
      "consistently: use 'for' for how long the state must hold, not 'timeout'",
    );
    expect(() => eventuallyPod(f.conn, f.ns, '', {})).to.throw('Pod name must be a non-empty string');
    expect(() => eventuallyPod({} as never, f.ns, 'x')).to.throw(
      'eventuallyPod: the first argument must be a Connection from connect()',
    );
  });

  it('negates with .not', async () => {
    await createPod(f, 'neg', { nodeName: 'n1' });
    await eventuallyPod(f.conn, f.ns, 'neg', { timeout: '1s' }).not.toBeOnNode('n2');
    const err = await eventuallyPod(f.conn, f.ns, 'neg', { timeout: '1s' })
      .not.toBeOnNode('n1')
      .catch((e: unknown) => e);
    expect((err as Error).message).to.match(
      /^Timed out after [\d.]+m?s of 1s: expected pod engine\/neg not to be on node n1\./,
    );
  });

  simOnlyIt(
    'shares one watch between assertions on the same namespace and closes it when they end',
    'counts requests inside the simulator',
    async () => {
      await createPod(f, 'share-a');
      await createPod(f, 'share-b');
      const before = simOf(f.cluster).requestCounts().watch ?? 0;
      await Promise.all([
        eventuallyPod(f.conn, f.ns, 'share-a', { timeout: '30s' }).toExist(),
        eventuallyPod(f.conn, f.ns, 'share-b', { timeout: '30s' }).toExist(),
      ]);
      expect((simOf(f.cluster).requestCounts().watch ?? 0) - before).to.be.at.most(1);
      expect(f.conn.openCount).to.equal(0);
    },
  );

  it('works on any resource through the generic eventually()', async () => {
    await createPod(f, 'gen', { nodeName: 'n3' });
    const pod = await eventually(f.conn, objectRef<V1Pod>(PODS, f.ns, 'gen'), { timeout: '1s' }).toSatisfy(
      (p) => p.spec?.nodeName === 'n3',
      'to be on n3',
    );
    expect(pod.metadata?.name).to.equal('gen');
  });

  simOnlyIt(
    'gives the right verdict through injected 503s and dropped watches',
    'the fault proxy speaks plain HTTP',
    async () => {
      const proxy = new FlakyProxy();
      const url = await proxy.start(f.cluster.url);
      const flaky = await connect({ kubeconfig: proxy.rewrite(f.cluster.kubeconfig, url) });
      try {
        await createPod(f, 'faulty', { nodeName: 'n1' });
        proxy.fail({ kind: 'list', count: 2, status: 503, retryAfterSeconds: 0 });
        proxy.fail({ kind: 'get', count: 1, status: 429, retryAfterSeconds: 0 });
        const waiting = eventuallyPod(flaky, f.ns, 'faulty', { timeout: '30s', poll: '200ms' }).toBeReady();
        await sleep(300);
        proxy.dropWatches();
        await setPodStatus(f, 'faulty', { phase: 'Running', ready: false });
        proxy.dropWatches();
        await sleep(50);
        await setPodStatus(f, 'faulty', { phase: 'Running', ready: true });
        const pod = await waiting;
        expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
        expect(proxy.seen.failed).to.equal(3);
      } finally {
        flaky.close();
        await proxy.stop();
      }
    },
  );

  simOnlyIt(
    'reports the last transient API error when a wait times out through faults',
    'the fault proxy speaks plain HTTP',
    async () => {
      const proxy = new FlakyProxy();
      const url = await proxy.start(f.cluster.url);
      const flaky = await connect({ kubeconfig: proxy.rewrite(f.cluster.kubeconfig, url) });
      try {
        await createPod(f, 'faulty2');
        proxy.fail({ kind: 'watch', count: 100, status: 503 });
        const err = await eventuallyPod(flaky, f.ns, 'faulty2', { timeout: '2s', poll: '100ms' })
          .toBeRunning()
          .catch((e: unknown) => e);
        expect((err as Error).message).to.match(
          /\n {2}last API error: watch pods in engine: 503 ServiceUnavailable: injected failure 503 \(at \+\d\.\d{3}s\)\n/,
        );
      } finally {
        flaky.close();
        await proxy.stop();
      }
    },
  );

  it('tells a recreated pod from the original by UID across deletion', async () => {
    await createPod(f, 'again', { nodeName: 'n1' });
    const before = await f.conn.getPod(f.ns, 'again');
    const waiting = eventuallyPod(f.conn, f.ns, 'again', { timeout: '30s' }).not.toKeepUid(before);
    await deletePod(f, 'again');
    await createPod(f, 'again', { nodeName: 'n2' });
    const now = await waiting;
    expect(now?.metadata?.uid).not.to.equal(before.metadata?.uid);
  });

  it('waits for sets selected by label', async () => {
    await createPod(f, 'set-1', { labels: { app: 'db' }, nodeName: 'n1' });
    const waiting = eventuallyPods(f.conn, f.ns, { labelSelector: 'app=db' }, { timeout: '30s' }).toHaveCount(
      2,
    );
    await createPod(f, 'set-2', { labels: { app: 'db' }, nodeName: 'n2' });
    const pods = await waiting;
    expect(pods.map((p) => p.metadata?.name)).to.deep.equal(['set-1', 'set-2']);
  });
});
