import * as k8s from '@kubernetes/client-node';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';

use(chaiAsPromised);

const get = (cluster: Cluster, path: string) =>
  fetch(`${cluster.url}${path}`, { headers: authHeader(cluster) });

/** Opens a client-node watch and resolves when the server ends it, with the events seen. */
async function watchUntilEnd(
  cluster: Cluster,
  path: string,
  query: Record<string, string>,
): Promise<{ events: { type: string; object: Record<string, unknown> }[]; err: unknown }> {
  const { kc } = clientsFor(cluster);
  const events: { type: string; object: Record<string, unknown> }[] = [];
  return new Promise((resolve) => {
    void new k8s.Watch(kc).watch(
      path,
      query,
      (type, object) => events.push({ type, object }),
      (err) => resolve({ events, err }),
    );
  });
}

describe('fault injection', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({ seed: 21 });
  });

  afterEach(() => cluster.setFaults(undefined));
  after(() => cluster.stop());

  it('serves every request while no faults are set', async () => {
    const codes = await Promise.all(
      Array.from({ length: 20 }, () => get(cluster, '/api/v1/namespaces').then((r) => r.status)),
    );
    expect(new Set(codes)).to.deep.equal(new Set([200]));
  });

  it('answers 429 with a Retry-After header and details.retryAfterSeconds', async () => {
    cluster.setFaults({ errorRate: 1, errorCodes: [429], retryAfterSeconds: 3 });
    const res = await get(cluster, '/api/v1/namespaces/default/pods');
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('3');
    expect(await res.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
  });

  it('answers 500 and 503 as Status objects', async () => {
    cluster.setFaults({ errorRate: 1, errorCodes: [500] });
    const internal = await get(cluster, '/api/v1/namespaces');
    expect(internal.status).to.equal(500);
    expect(await internal.json()).to.deep.include({ reason: 'InternalError', code: 500 });
    cluster.setFaults({ errorRate: 1, errorCodes: [503] });
    const unavailable = await get(cluster, '/api/v1/namespaces');
    expect(unavailable.status).to.equal(503);
    expect(await unavailable.json()).to.deep.include({ reason: 'ServiceUnavailable', code: 503 });
  });

  it('fails about the configured share of requests', async () => {
    cluster.setFaults({ errorRate: 0.5, errorCodes: [503] });
    const codes: number[] = [];
    for (let i = 0; i < 100; i++) codes.push((await get(cluster, '/api/v1/namespaces')).status);
    const failed = codes.filter((c) => c === 503).length;
    expect(failed).to.be.within(25, 75);
    expect(codes.filter((c) => c === 200).length).to.equal(100 - failed);
  });

  it('leaves health endpoints alone', async () => {
    cluster.setFaults({ errorRate: 1 });
    for (const path of ['/healthz', '/livez', '/readyz'])
      expect((await fetch(`${cluster.url}${path}`)).status).to.equal(200);
  });

  it('never touches the simulator own calls to the Api', () => {
    cluster.setFaults({ errorRate: 1 });
    const namespaces = cluster.api.list(cluster.api.resource('', 'namespaces'), undefined);
    expect(namespaces.items.map((n) => n.metadata.name)).to.include('default');
  });

  it('delays requests by latencyMs', async () => {
    cluster.setFaults({ latencyMs: 150 });
    const started = Date.now();
    await get(cluster, '/api/v1/namespaces');
    expect(Date.now() - started).to.be.at.least(140);
  });

  it('closes watch streams after closeWatchesEverySeconds', async () => {
    cluster.setFaults({ closeWatchesEverySeconds: 0.2 });
    const { err } = await watchUntilEnd(cluster, '/api/v1/namespaces/default/configmaps', {});
    expect(err).to.equal(null);
  });

  it('answers a watch resuming from an older resourceVersion with ERROR 410 and closes it', async () => {
    const created = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...authHeader(cluster), 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'resume-me' } }),
    }).then((r) => r.json() as Promise<{ metadata: { resourceVersion: string } }>);
    await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...authHeader(cluster), 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'after-it' } }),
    });
    cluster.setFaults({ expireOnResume: true });
    const { events, err } = await watchUntilEnd(cluster, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: created.metadata.resourceVersion,
    });
    expect(err).to.equal(null);
    expect(events).to.have.length(1);
    expect(events[0]!.type).to.equal('ERROR');
    expect(events[0]!.object).to.deep.include({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('lets an informer recover from closed watches and expired resumes by relisting', async () => {
    const { kc, core } = clientsFor(cluster);
    await core.createNamespace({ body: { metadata: { name: 'flaky' } } });
    cluster.setFaults({ closeWatchesEverySeconds: 0.1, expireOnResume: true });
    let lists = 0;
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/flaky/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'flaky' });
    });
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      // Each closed watch resumes from an older resourceVersion: 410, relist, watch again.
      for (let i = 0; i < 3; i++) {
        await core.createNamespacedConfigMap({ namespace: 'flaky', body: { metadata: { name: `cm-${i}` } } });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      const deadline = Date.now() + 5000;
      while (added.length < 3 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(added).to.have.members(['cm-0', 'cm-1', 'cm-2']);
      expect(lists).to.be.greaterThan(1);
      expect(errors).to.deep.equal([]);
    } finally {
      await informer.stop();
    }
  });

  it('turns faults on and off while the cluster runs', async () => {
    cluster.setFaults({ errorRate: 1, errorCodes: [503] });
    expect((await get(cluster, '/api/v1/namespaces')).status).to.equal(503);
    cluster.setFaults({});
    expect((await get(cluster, '/api/v1/namespaces')).status).to.equal(200);
  });

  it('refuses options it does not understand, saying what is accepted', () => {
    expect(() => cluster.setFaults({ errorRate: 2 })).to.throw(
      TypeError,
      'faults: errorRate must be a number from 0 to 1, got 2',
    );
    expect(() => cluster.setFaults({ errorCodes: [404 as 500] })).to.throw(
      TypeError,
      'faults: errorCodes may contain 500, 503 and 429, got 404',
    );
  });

  it('refuses bad fault options at startCluster before serving anything', async () => {
    const started = startCluster({ faults: { latencyMs: -1 } });
    await expect(started).to.be.rejectedWith(
      TypeError,
      'faults: latencyMs must be a number of milliseconds, 0 or more, got -1',
    );
  });
});
