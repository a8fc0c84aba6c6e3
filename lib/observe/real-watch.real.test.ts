/**
 * Watch semantics only a real API server shows: a 410 Expired for a watch resuming from a
 * resourceVersion etcd has compacted away (the watch cache relists), and bookmarks.
 */
import { readFile } from 'node:fs/promises';
import { get } from 'node:https';
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { parse } from 'yaml';
import { type Connection, connect } from '../client/index.ts';
import { realOnlyDescribe, startTestCluster, type TestCluster } from '../controlplane/testing/test-target.ts';
import { TcpProxy, throughProxy } from '../controlplane/testing/tcp-proxy.ts';
import { acquireCache, PODS, type WatchCache } from './index.ts';

const until = async (what: string, check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function setPhase(conn: Connection, ns: string, name: string, phase: string) {
  const pod = await conn.core.readNamespacedPod({ namespace: ns, name });
  pod.status = { ...pod.status, phase };
  await conn.core.replaceNamespacedPodStatus({ namespace: ns, name, body: pod });
}

/** Compacts etcd's history up to its current revision (what kube-apiserver does every 5 minutes). */
async function compactEtcd(etcdUrl: string): Promise<number> {
  const range = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from('\0').toString('base64'), limit: 1 }),
  });
  const revision = Number(((await range.json()) as { header: { revision: string } }).header.revision);
  const compacted = await fetch(`${etcdUrl}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision, physical: true }),
  });
  expect(compacted.status).to.equal(200);
  return revision;
}

interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}

/** The events of one raw watch request (the stream ends after timeoutSeconds). */
async function rawWatch(kubeconfig: string, path: string): Promise<WatchEvent[]> {
  const config = parse(await readFile(kubeconfig, 'utf8'));
  const cluster = config.clusters[0].cluster;
  const user = config.users[0].user;
  const pem = (b64: string) => Buffer.from(b64, 'base64').toString();
  return new Promise((resolve, reject) => {
    const tls = {
      ca: pem(cluster['certificate-authority-data']),
      cert: pem(user['client-certificate-data']),
      key: pem(user['client-key-data']),
    };
    get(new URL(path, cluster.server), tls, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`watch answered ${res.statusCode}: ${text}`));
        else
          resolve(
            text
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as WatchEvent),
          );
      });
    }).on('error', reject);
  });
}

realOnlyDescribe('watching a real API server', () => {
  let cluster: TestCluster;
  let conn: Connection;
  before(async () => {
    // Pods bypass the API server's watch cache here, so watches are served by etcd itself, as
    // they are for any resource whose cache has moved past the requested resourceVersion.
    cluster = await startTestCluster(
      {},
      { bare: true, extraArgs: { 'kube-apiserver': ['--watch-cache-sizes=pods#0'] } },
    );
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: 'watch' } } });
  });
  after(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('relists after the 410 Expired of a watch resuming from a compacted resourceVersion, and misses nothing', async () => {
    const proxy = new TcpProxy();
    const proxyUrl = await proxy.start(cluster.url);
    const yaml = await readFile(cluster.kubeconfig, 'utf8');
    const viaProxy = await connect({ kubeconfig: throughProxy(yaml, cluster.url, proxyUrl) });
    let cache: WatchCache<V1Pod> | undefined;
    try {
      await conn.core.createNamespacedPod({
        namespace: 'watch',
        body: {
          metadata: { name: 'p' },
          spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
        },
      });
      cache = acquireCache<V1Pod>(
        viaProxy,
        PODS,
        'watch',
        {},
        {
          reconnectDelayMs: 300,
          watchFailuresBeforePolling: 20,
        },
      );
      const c = cache;
      await until('watching', () => c.synced && c.mode === 'watching');
      // The server becomes unreachable; meanwhile the pod changes and etcd forgets the history.
      proxy.pause();
      await until('the watch noticed', () => c.mode !== 'watching');
      await setPhase(conn, 'watch', 'p', 'Running');
      await setPhase(conn, 'watch', 'p', 'Succeeded');
      await compactEtcd(cluster.plane!.etcdUrl);
      proxy.resume();
      await until('relisted', () => c.stats.relists >= 1 && c.trajectory('p').last?.phase === 'Succeeded');
      const last = c.trajectory('p').last;
      expect(last).to.deep.include({ via: 'relist', phase: 'Succeeded' });
      expect(c.lastError?.error).to.deep.include({ status: 410, reason: 'Expired' });
      await until('watching again', () => c.mode === 'watching');
      // And the watch from the new list delivers later changes as usual.
      await conn.core.deleteNamespacedPod({ namespace: 'watch', name: 'p', gracePeriodSeconds: 0 });
      await until('DELETED', () => c.trajectory('p').last?.type === 'DELETED');
      expect(c.trajectory('p').last?.via).to.equal('watch');
    } finally {
      cache?.release();
      viaProxy.close();
      await proxy.stop();
    }
  });

  it('ends the initial events of a watch with a bookmark that carries a resourceVersion', async () => {
    for (const name of ['a', 'b']) {
      await conn.core.createNamespacedConfigMap({ namespace: 'watch', body: { metadata: { name } } });
    }
    const events = await rawWatch(
      cluster.kubeconfig,
      '/api/v1/namespaces/watch/configmaps?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=2',
    );
    const names = events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata?.name);
    expect(names).to.include.members(['a', 'b']);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object.metadata?.annotations).to.deep.equal({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(bookmark?.object.metadata?.resourceVersion)).to.be.greaterThan(0);
    // After it, nothing of the initial state: the bookmark closes the list.
    expect(events.indexOf(bookmark!)).to.equal(names.length);
  });

  it('keeps bookmarks out of the watch cache: only real objects, one entry each', async () => {
    const configMaps = {
      group: '',
      version: 'v1',
      plural: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
    };
    const cache = acquireCache(conn, configMaps, 'watch');
    try {
      await until('synced', () => cache.synced);
      await conn.core.createNamespacedConfigMap({ namespace: 'watch', body: { metadata: { name: 'c' } } });
      await until('c', () => cache.get('c') !== undefined);
      const names = cache
        .list()
        .map((o) => o.metadata?.name)
        .sort();
      expect(names).to.deep.equal(['a', 'b', 'c']);
      const entries = Object.fromEntries(
        names.map((n) => [
          n,
          cache
            .trajectory(n ?? '')
            .entries.filter((e) => e.type !== 'ABSENT')
            .map((e) => `${e.type} ${e.via}`),
        ]),
      );
      expect(entries).to.deep.equal({ a: ['LISTED list'], b: ['LISTED list'], c: ['ADDED watch'] });
    } finally {
      cache.release();
    }
  });
});
