import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';

interface Seen {
  type: string;
  name?: string;
  object: Record<string, unknown> & { metadata?: k8s.V1ObjectMeta; code?: number; reason?: string };
}

/** A client-node watch that records its events and when the server ended it. */
class Recorder {
  readonly events: Seen[] = [];
  ended = false;
  endError: unknown = undefined;
  private controller: AbortController | undefined;

  static async start(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean>) {
    const r = new Recorder();
    r.controller = await new k8s.Watch(kc).watch(
      path,
      query,
      (type, object) => r.events.push({ type, name: object?.metadata?.name, object }),
      (err) => {
        r.ended = true;
        r.endError = err;
      },
    );
    return r;
  }

  stop(): void {
    this.controller?.abort();
  }

  /** Resolves once the predicate holds, failing after a few seconds with what was seen. */
  async until(what: string, predicate: (r: Recorder) => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.summary())}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  summary(): string[] {
    return this.events.map((e) => `${e.type} ${e.name ?? e.object.reason ?? ''}`.trim());
  }
}

async function waitFor(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('watches with @kubernetes/client-node', () => {
  let cluster: Cluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const recorders: Recorder[] = [];
  let n = 0;

  before(async () => {
    cluster = await startCluster({ seed: 3, http: { bookmarkIntervalMs: 50 } });
    ({ kc, core } = clientsFor(cluster));
  });

  after(async () => {
    for (const r of recorders) r.stop();
    await cluster.stop();
  });

  async function namespace(): Promise<string> {
    const name = `watch-${++n}`;
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  async function watch(ns: string, query: Record<string, string | number | boolean> = {}) {
    const r = await Recorder.start(kc, `/api/v1/namespaces/${ns}/configmaps`, query);
    recorders.push(r);
    return r;
  }

  it('streams ADDED, MODIFIED and DELETED for changes after the listed resourceVersion', async () => {
    const ns = await namespace();
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const r = await watch(ns, { resourceVersion: list.metadata!.resourceVersion! });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { v: '1' } },
    });
    await core.replaceNamespacedConfigMap({
      name: 'a',
      namespace: ns,
      body: { metadata: { name: 'a' }, data: { v: '2' } },
    });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: ns });
    await r.until('three events', (x) => x.events.length >= 3);
    expect(r.summary()).to.deep.equal(['ADDED a', 'MODIFIED a', 'DELETED a']);
    expect(r.events[1]!.object).to.deep.include({ data: { v: '2' }, kind: 'ConfigMap', apiVersion: 'v1' });
  });

  it('replays the current objects as ADDED when no resourceVersion is given', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'existing' } } });
    const r = await watch(ns);
    await r.until('the replay', (x) => x.events.length >= 1);
    expect(r.summary()).to.deep.equal(['ADDED existing']);
  });

  it('resumes after a resourceVersion without replaying what came before it', async () => {
    const ns = await namespace();
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'r' } },
    });
    await core.patchNamespacedConfigMap({
      name: 'r',
      namespace: ns,
      body: [{ op: 'add', path: '/data', value: { k: 'v' } }],
    });
    const r = await watch(ns, { resourceVersion: created.metadata!.resourceVersion! });
    await r.until('the missed change', (x) => x.events.length >= 1);
    expect(r.summary()).to.deep.equal(['MODIFIED r']);
  });

  it('sends BOOKMARK events when the client allows them', async () => {
    const ns = await namespace();
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const r = await watch(ns, {
      resourceVersion: list.metadata!.resourceVersion!,
      allowWatchBookmarks: true,
    });
    await r.until('a bookmark', (x) => x.events.some((e) => e.type === 'BOOKMARK'));
    const bookmark = r.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bookmark.object).to.have.nested.property('metadata.resourceVersion').that.matches(/^\d+$/);
    expect(bookmark.object.kind).to.equal('ConfigMap');
  });

  it('ends the initial events with the k8s.io/initial-events-end bookmark for sendInitialEvents', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'two' } } });
    const r = await watch(ns, {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
    });
    await r.until('the end-of-initial-events bookmark', (x) =>
      x.events.some((e) => e.object.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true'),
    );
    expect(r.summary().slice(0, 3)).to.deep.equal(['ADDED one', 'ADDED two', 'BOOKMARK']);
  });

  // kube-apiserver v1.36.3 (WatchList on): a watch from no version is defaulted to
  // sendInitialEvents=true, so with bookmarks allowed its initial events end with the bookmark too;
  // without allowWatchBookmarks no bookmark comes (differential watches/send-initial-events-*).
  it('ends a plain watch’s initial events with the bookmark when bookmarks are allowed', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' } } });
    const r = await watch(ns, { allowWatchBookmarks: true });
    await r.until('the end-of-initial-events bookmark', (x) =>
      x.events.some((e) => e.object.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true'),
    );
    expect(r.summary().slice(0, 2)).to.deep.equal(['ADDED one', 'BOOKMARK']);
  });

  it('sends no initial-events-end bookmark to a watch-list that does not allow bookmarks', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' } } });
    const r = await watch(ns, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' });
    await r.until('the initial event', (x) => x.events.length > 0);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'two' } } });
    await r.until('the next event', (x) => x.events.length > 1);
    expect(r.summary().slice(0, 2)).to.deep.equal(['ADDED one', 'ADDED two']);
  });

  // kube-apiserver v1.36.3 still serves the deprecated /watch/ paths (differential watches/legacy-watch-path).
  it('serves the deprecated /api/v1/watch/ paths, of a collection and of one object', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'b' } } });
    const events = async (path: string) => {
      const res = await fetch(`${cluster.url}${path}?timeoutSeconds=1`, { headers: authHeader(cluster) });
      expect(res.status).to.equal(200);
      return (await res.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string } } })
        .filter((e) => e.type === 'ADDED')
        .map((e) => e.object.metadata.name);
    };
    expect(await events(`/api/v1/watch/namespaces/${ns}/configmaps`)).to.include.members(['a', 'b']);
    expect(await events(`/api/v1/watch/namespaces/${ns}/configmaps/b`)).to.deep.equal(['b']);
  });

  it('turns a label change out of and back into a filtered watch into DELETED and ADDED', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'f', labels: { app: 'web' } } },
    });
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const r = await watch(ns, { resourceVersion: list.metadata!.resourceVersion!, labelSelector: 'app=web' });
    const relabel = (app: string) =>
      core.patchNamespacedConfigMap(
        { name: 'f', namespace: ns, body: { metadata: { labels: { app } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    await relabel('db');
    await relabel('web');
    await r.until('two events', (x) => x.events.length >= 2);
    expect(r.summary()).to.deep.equal(['DELETED f', 'ADDED f']);
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const ns = await namespace();
    const r = await watch(ns, { timeoutSeconds: 1 });
    await r.until('the server to end the stream', (x) => x.ended);
    expect(r.endError).to.equal(null);
  });

  describe('with a short change history', () => {
    let small: Cluster;
    before(async () => {
      small = await startCluster({ seed: 4, historySize: 3 });
    });
    after(() => small.stop());

    it('answers a too-old resourceVersion with an ERROR 410 Expired event, then closes the stream', async () => {
      const client = clientsFor(small);
      const first = await client.core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'old' } },
      });
      for (let i = 0; i < 5; i++) {
        await client.core.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: `n${i}` } },
        });
      }
      const r = await Recorder.start(client.kc, '/api/v1/namespaces/default/configmaps', {
        resourceVersion: first.metadata!.resourceVersion!,
      });
      recorders.push(r);
      await r.until('the stream to close', (x) => x.ended);
      expect(r.events).to.have.length(1);
      expect(r.events[0]!.type).to.equal('ERROR');
      expect(r.events[0]!.object).to.deep.include({ kind: 'Status', code: 410, reason: 'Expired' });
      expect(String(r.events[0]!.object.message)).to.match(/^too old resource version: \d+ \(\d+\)$/);
    });
  });
});

describe('makeInformer against the embedded cluster', () => {
  let cluster: Cluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let informer: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  const seen: string[] = [];

  before(async () => {
    cluster = await startCluster({ seed: 5 });
    ({ kc, core } = clientsFor(cluster));
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'before' } } });
    informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
  });

  after(async () => {
    await informer.stop();
    await cluster.stop();
  });

  it('lists the existing objects first', async () => {
    await waitFor('the listed object', () => seen.includes('add before'));
    expect(informer.get('before', 'inf')?.metadata?.name).to.equal('before');
  });

  it('sees objects added, updated and deleted through its watch', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'inf',
      body: { metadata: { name: 'later' }, data: { v: '1' } },
    });
    await waitFor('add later', () => seen.includes('add later'));
    await core.replaceNamespacedConfigMap({
      name: 'later',
      namespace: 'inf',
      body: { metadata: { name: 'later' }, data: { v: '2' } },
    });
    await waitFor('update later', () => seen.includes('update later 2'));
    await core.deleteNamespacedConfigMap({ name: 'later', namespace: 'inf' });
    await waitFor('delete later', () => seen.includes('delete later'));
    expect(seen.filter((s) => s.includes('later'))).to.deep.equal([
      'add later',
      'update later 2',
      'delete later',
    ]);
    expect(informer.get('later', 'inf')).to.equal(undefined);
  });
});
