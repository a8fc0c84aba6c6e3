import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  simOf,
  simOnlyDescribe,
  simOnlyIt,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { startCluster } from '../sim/index.ts';
import { acquireCache, openCaches, PODS, type WatchCache } from './index.ts';
import { shortenWatchTimeout } from './testing/client-timeout.ts';
import { FlakyProxy } from './testing/flaky-proxy.ts';

const podBody = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

// Generous: a passing wait returns at once, and a busy machine is many times slower than an idle one.
const until = async (what: string, check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function setPhase(conn: Connection, ns: string, name: string, phase: string) {
  const pod = await conn.core.readNamespacedPod({ namespace: ns, name });
  pod.status = { ...pod.status, phase };
  await conn.core.replaceNamespacedPodStatus({ namespace: ns, name, body: pod });
}

describe('WatchCache', () => {
  let cluster: TestCluster;
  let conn: Connection;

  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 5, historySize: 5 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: 'obs' } } });
  });

  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('lists, then records every later change of an object in its trajectory', async () => {
    await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('t1') });
    const cache = acquireCache(conn, PODS, 'obs');
    try {
      await until('sync', () => cache.synced);
      await setPhase(conn, 'obs', 't1', 'Running');
      await until('MODIFIED', () => cache.trajectory('t1').entries.length === 2);
      const [listed, modified] = cache.trajectory('t1').entries;
      expect(listed).to.deep.include({ type: 'LISTED', via: 'list', phase: 'Pending' });
      expect(modified).to.deep.include({ type: 'MODIFIED', via: 'watch', phase: 'Running' });
    } finally {
      cache.release();
    }
  });

  it('records a state that lasted a few milliseconds', async () => {
    await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('t2') });
    await setPhase(conn, 'obs', 't2', 'Running');
    const cache = acquireCache(conn, PODS, 'obs');
    try {
      await until('sync', () => cache.synced);
      await setPhase(conn, 'obs', 't2', 'Pending');
      await setPhase(conn, 'obs', 't2', 'Running');
      await until('both changes', () => cache.trajectory('t2').entries.length === 3);
      expect(cache.trajectory('t2').entries.map((e) => e.phase)).to.deep.equal([
        'Running',
        'Pending',
        'Running',
      ]);
    } finally {
      cache.release();
    }
  });

  it('starts the trajectory of an object that does not exist with ABSENT, then sees it appear', async () => {
    const cache = acquireCache(conn, PODS, 'obs');
    try {
      await until('sync', () => cache.synced);
      expect(cache.trajectory('later').entries.map((e) => e.type)).to.deep.equal(['ABSENT']);
      await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('later') });
      await until('ADDED', () => cache.trajectory('later').entries.length === 2);
      expect(cache.trajectory('later').last).to.deep.include({ type: 'ADDED', via: 'watch' });
    } finally {
      cache.release();
    }
  });

  it('announces a list only once it is whole, never as a partial state', async () => {
    await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('whole-1', { set: 'w' }) });
    await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('whole-2', { set: 'w' }) });
    const cache = acquireCache(conn, PODS, 'obs', { labelSelector: 'set=w' });
    const sizes: number[] = [];
    cache.subscribe(() => sizes.push(cache.list().length));
    try {
      await until('sync', () => cache.synced);
      expect(sizes).to.deep.equal([2]);
    } finally {
      cache.release();
    }
  });

  it('is shared by every reader of the same resource and namespace, and closes with the last', async () => {
    const a = acquireCache(conn, PODS, 'obs');
    const b = acquireCache(conn, PODS, 'obs');
    expect(a).to.equal(b);
    expect(a.references).to.equal(2);
    a.release();
    expect(a.mode).not.to.equal('closed');
    b.release();
    expect(a.mode).to.equal('closed');
    expect(openCaches(conn)).to.have.length(0);
    expect(conn.openCount).to.equal(0);
  });

  it('keeps a separate cache per label selector', () => {
    const a = acquireCache(conn, PODS, 'obs', { labelSelector: 'app=x' });
    const b = acquireCache(conn, PODS, 'obs');
    try {
      expect(a).not.to.equal(b);
    } finally {
      a.release();
      b.release();
    }
  });

  it('fails at once when the namespace does not exist', async () => {
    const cache = acquireCache(conn, PODS, 'ghost');
    try {
      await until('final error', () => cache.finalError !== undefined, 1000);
      expect(cache.finalError?.message).to.equal(
        'namespace "ghost" does not exist; create it first or check the name',
      );
    } finally {
      cache.release();
    }
  });

  it("resumes from where it was when client-node's watch timeout (2.x: 30 s) aborts the watch, without relisting", async () => {
    await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('timed') });
    const timing = await connect({ kubeconfig: cluster.kubeconfig });
    // Short enough to end several watches, long enough that a busy machine answers the request first.
    shortenWatchTimeout(timing, 600);
    const cache = acquireCache(timing, PODS, 'obs', {}, { reconnectDelayMs: 20 });
    try {
      await until('sync', () => cache.synced && cache.mode === 'watching');
      for (const phase of ['Running', 'Pending', 'Running']) {
        // Each change goes to a watch opened after the previous one timed out.
        const reconnects = cache.stats.reconnects;
        await until('a timed-out watch resumed', () => cache.stats.reconnects > reconnects);
        await setPhase(conn, 'obs', 'timed', phase);
        await until(phase, () => cache.trajectory('timed').last?.phase === phase);
      }
      expect(cache.trajectory('timed').entries.map((e) => `${e.type} ${e.via} ${e.phase}`)).to.deep.equal([
        'LISTED list Pending',
        'MODIFIED watch Running',
        'MODIFIED watch Pending',
        'MODIFIED watch Running',
      ]);
      expect(cache.stats).to.deep.include({ lists: 1, relists: 0, polls: 0 });
      expect(cache.lastError, String(cache.lastError?.error)).to.equal(undefined);
    } finally {
      cache.release();
      timing.close();
    }
  });

  simOnlyIt(
    'resumes from where it was when the server ends the watch stream, recording no error',
    "closes watches with the simulator's fault injection",
    async () => {
      await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('closed') });
      const cache = acquireCache(conn, PODS, 'obs', {}, { reconnectDelayMs: 20 });
      simOf(cluster).setFaults({ closeWatchesEverySeconds: 0.15 });
      try {
        await until('sync', () => cache.synced && cache.mode === 'watching');
        for (const phase of ['Running', 'Pending']) {
          const reconnects = cache.stats.reconnects;
          await until('a closed watch resumed', () => cache.stats.reconnects > reconnects);
          await setPhase(conn, 'obs', 'closed', phase);
          await until(phase, () => cache.trajectory('closed').last?.phase === phase);
        }
        expect(cache.trajectory('closed').entries.map((e) => `${e.type} ${e.via} ${e.phase}`)).to.deep.equal([
          'LISTED list Pending',
          'MODIFIED watch Running',
          'MODIFIED watch Pending',
        ]);
        expect(cache.stats).to.deep.include({ lists: 1, relists: 0, polls: 0 });
        expect(cache.lastError).to.equal(undefined);
      } finally {
        simOf(cluster).setFaults(undefined);
        cache.release();
      }
    },
  );

  simOnlyIt(
    'falls back to polling when every watch ends at once without an event, and still sees changes',
    "closes watches with the simulator's fault injection",
    async () => {
      await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('cut') });
      simOf(cluster).setFaults({ closeWatchesEverySeconds: 0.005 });
      const cache = acquireCache(conn, PODS, 'obs', {}, { reconnectDelayMs: 5, pollIntervalMs: 50 });
      try {
        await until('polling', () => cache.mode === 'polling');
        expect(cache.lastError?.error.message).to.equal('every watch ended at once, without an event');
        await setPhase(conn, 'obs', 'cut', 'Running');
        await until('Running', () => cache.trajectory('cut').last?.phase === 'Running');
      } finally {
        simOf(cluster).setFaults(undefined);
        cache.release();
      }
    },
  );

  simOnlyDescribe(
    'through a flaky connection',
    'the fault proxy speaks plain HTTP; lib/observe/real-watch.real.test.ts drops real connections',
    () => {
      let proxy: FlakyProxy;
      let flaky: Connection;
      let cache: WatchCache | undefined;

      beforeEach(async () => {
        proxy = new FlakyProxy();
        const url = await proxy.start(cluster.url);
        flaky = await connect({ kubeconfig: proxy.rewrite(cluster.kubeconfig, url) });
      });

      afterEach(async () => {
        cache?.release();
        cache = undefined;
        flaky.close();
        await proxy.stop();
      });

      it('reconnects a dropped watch from where it was and misses no change', async () => {
        await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('d1') });
        cache = acquireCache(flaky, PODS, 'obs', {}, { reconnectDelayMs: 200 });
        const c = cache;
        await until('watching', () => proxy.openWatches === 1 && c.synced);
        expect(proxy.dropWatches()).to.equal(1);
        // Changed while no watch is open: the resumed watch must still deliver it.
        await setPhase(conn, 'obs', 'd1', 'Running');
        await until('resumed', () => c.trajectory('d1').last?.phase === 'Running');
        expect(c.stats.reconnects).to.equal(1);
        expect(c.lastError?.error).to.deep.include({ class: 'transient' });
        expect(c.lastError?.error.message).to.match(/^network error: /);
      });

      it('relists when the resumed watch answers 410 Expired, and records what was deleted meanwhile', async () => {
        await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('gone') });
        cache = acquireCache(
          flaky,
          PODS,
          'obs',
          {},
          { reconnectDelayMs: 300, watchFailuresBeforePolling: 100 },
        );
        const c = cache;
        await until('watching', () => proxy.openWatches === 1 && c.synced);
        proxy.refuse(true);
        await conn.core.deleteNamespacedPod({ namespace: 'obs', name: 'gone' });
        // More changes than the server's history (5) keeps, so resuming is impossible.
        for (let i = 0; i < 8; i++)
          await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody(`churn-${i}`) });
        proxy.refuse(false);
        await until('relisted', () => c.stats.relists === 1 && proxy.openWatches === 1, 5000);
        expect(c.trajectory('gone').last).to.deep.include({ type: 'DELETED', via: 'relist' });
        expect(c.get('churn-7')).to.not.equal(undefined);
      });

      it('resumes from the latest bookmark, so changes elsewhere do not force a relist', async () => {
        const quiet = await startCluster({ seed: 6, historySize: 5, http: { bookmarkIntervalMs: 50 } });
        const proxy2 = new FlakyProxy();
        const url2 = await proxy2.start(quiet.url);
        const direct = await connect({ kubeconfig: quiet.kubeconfig });
        const viaProxy = await connect({ kubeconfig: proxy2.rewrite(quiet.kubeconfig, url2) });
        try {
          await direct.core.createNamespace({ body: { metadata: { name: 'a' } } });
          const c = acquireCache(viaProxy, PODS, 'a', {}, { reconnectDelayMs: 50 });
          cache = c;
          await until('watching', () => proxy2.openWatches === 1 && c.synced);
          // More changes than the history keeps, none of them in namespace a.
          for (let i = 0; i < 8; i++) {
            await direct.core.createNamespacedConfigMap({
              namespace: 'default',
              body: { metadata: { name: `cm-${i}` } },
            });
          }
          await new Promise((r) => setTimeout(r, 150)); // a bookmark carries the new resourceVersion
          proxy2.dropWatches();
          await until('resumed', () => c.stats.watches === 2 && proxy2.openWatches === 1);
          await new Promise((r) => setTimeout(r, 100));
          expect(c.stats.relists).to.equal(0);
        } finally {
          cache?.release();
          cache = undefined;
          direct.close();
          viaProxy.close();
          await proxy2.stop();
          await quiet.stop();
        }
      });

      it('falls back to polling when watching keeps failing, and still sees changes', async () => {
        await conn.core.createNamespacedPod({ namespace: 'obs', body: podBody('p1') });
        proxy.fail({ kind: 'watch', count: 1000, status: 503 });
        cache = acquireCache(flaky, PODS, 'obs', {}, { reconnectDelayMs: 10, pollIntervalMs: 50 });
        const c = cache;
        await until('polling', () => c.mode === 'polling');
        await setPhase(conn, 'obs', 'p1', 'Running');
        await until('polled change', () => c.trajectory('p1').last?.phase === 'Running');
        expect(c.trajectory('p1').last?.via).to.equal('poll');
        // The watch's error body is read, so the server's own Status message shows.
        expect(c.lastError?.error.message).to.equal('503 ServiceUnavailable: injected failure 503');
      });

      it('retries a list that failed with 503 and gets in sync', async () => {
        proxy.fail({ kind: 'list', count: 2, status: 503 });
        cache = acquireCache(flaky, PODS, 'obs');
        const c = cache;
        await until('sync', () => c.synced);
        expect(proxy.seen.failed).to.equal(2);
      });

      it('lists anyway when it may not read the namespace (403), since the list is the real test', async () => {
        proxy.fail({ kind: 'get', count: 1, status: 403 });
        cache = acquireCache(flaky, PODS, 'obs');
        const c = cache;
        await until('sync', () => c.synced);
        expect(c.finalError).to.equal(undefined);
      });

      it('closes its watch socket when released, leaving nothing open', async () => {
        cache = acquireCache(flaky, PODS, 'obs');
        const c = cache;
        await until('watching', () => proxy.openWatches === 1 && c.synced);
        c.release();
        cache = undefined;
        await until('socket closed', () => proxy.openWatches === 0);
        expect(flaky.openCount).to.equal(0);
      });
    },
  );
});
