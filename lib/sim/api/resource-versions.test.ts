/**
 * resourceVersion semantics of lists and watches, as kube-apiserver 1.36 answers them
 * (apiserver pkg/storage/cacher/watch_cache.go, pkg/storage/errors.go, apimachinery
 * pkg/apis/meta/internalversion/validation/validation.go, runtime/conversion.go).
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { authHeader, restClient } from '../testing/rest.ts';
import { Store } from './store.ts';

const cm = (name: string) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name, namespace: 'default' },
});

describe('the change history (like the watch cache)', () => {
  it('drops changes older than its window once a resource has more than a hundred newer ones', () => {
    let now = 0;
    const store = new Store({ historyWindowMs: 75_000, now: () => now });
    const first = store.insert('/v1/configmaps', cm('first'));
    for (let i = 0; i < 150; i++) store.insert('/v1/configmaps', cm(`c${i}`));
    expect(store.changesSince('/v1/configmaps', Number(first.metadata.resourceVersion))).to.have.length(150);
    now = 76_000;
    store.insert('/v1/configmaps', cm('late'));
    expect(store.changesSince('/v1/configmaps', Number(first.metadata.resourceVersion))).to.equal(undefined);
    // The newest hundred stay resumable however old they are.
    expect(store.changesSince('/v1/configmaps', store.resourceVersion - 100)).to.have.length(100);
  });

  it('keeps the last hundred changes of a quiet resource however old they are', () => {
    let now = 0;
    const store = new Store({ historyWindowMs: 75_000, now: () => now });
    const node = store.insert('/v1/nodes', { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' } });
    now = 3_600_000;
    for (let i = 0; i < 500; i++) store.insert('/v1/configmaps', cm(`c${i}`));
    expect(store.changesSince('/v1/nodes', Number(node.metadata.resourceVersion))).to.deep.equal([]);
  });

  it('lists a resource as it was at a past version', () => {
    const store = new Store();
    store.insert('/v1/configmaps', cm('a'));
    const at = store.resourceVersion;
    store.insert('/v1/configmaps', cm('b'));
    store.remove('/v1/configmaps', 'default', 'a');
    expect(store.listAt('/v1/configmaps', at)!.map((o) => o.metadata.name)).to.deep.equal(['a']);
    expect(store.list('/v1/configmaps').map((o) => o.metadata.name)).to.deep.equal(['b']);
  });
});

describe('resourceVersion on lists and watches over HTTP', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;

  before(async () => {
    cluster = await startCluster({ seed: 21, historySize: 3 });
    rest = restClient(cluster);
  });
  after(() => cluster.stop());

  const create = async (name: string) => {
    const r = await rest('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name } });
    expect(r.code).to.equal(201);
    return Number(r.body.metadata.resourceVersion);
  };

  it('waits for a future resourceVersion on a list and answers once the store reaches it', async () => {
    const next = cluster.api.store.resourceVersion + 1;
    const answer = rest('GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${next}`);
    await new Promise((r) => setTimeout(r, 200));
    await create('arrives');
    const r = await answer;
    expect(r.code).to.equal(200);
    expect(Number(r.body.metadata.resourceVersion)).to.be.at.least(next);
    expect(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.include('arrives');
  });

  it('answers a list whose resourceVersion never comes with 504 Too large resource version after its wait', async () => {
    const current = cluster.api.store.resourceVersion;
    const started = Date.now();
    const res = await fetch(
      `${cluster.url}/api/v1/namespaces/default/configmaps?resourceVersion=${current + 1000}`,
      {
        headers: authHeader(cluster),
      },
    );
    // biome-ignore lint/suspicious/noExplicitAny: a Status read field by field
    const body: any = await res.json();
    expect(Date.now() - started).to.be.at.least(2900);
    expect(res.status).to.equal(504);
    expect(res.headers.get('retry-after')).to.equal('1');
    expect(body).to.deep.include({ reason: 'Timeout', code: 504 });
    expect(body.message).to.equal(
      `Timeout: Too large resource version: ${current + 1000}, current: ${cluster.api.store.resourceVersion}`,
    );
    expect(body.details.causes).to.deep.equal([
      { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
    ]);
  });

  it('serves resourceVersionMatch=Exact from that version and NotOlderThan from the newest', async () => {
    const at = await create('exact-a');
    await rest('DELETE', '/api/v1/namespaces/default/configmaps/exact-a');
    const exact = await rest(
      'GET',
      `/api/v1/namespaces/default/configmaps?resourceVersion=${at}&resourceVersionMatch=Exact`,
    );
    expect(exact.code).to.equal(200);
    expect(exact.body.metadata.resourceVersion).to.equal(String(at));
    expect(exact.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.include(
      'exact-a',
    );
    const newest = await rest(
      'GET',
      `/api/v1/namespaces/default/configmaps?resourceVersion=${at}&resourceVersionMatch=NotOlderThan`,
    );
    expect(newest.body.metadata.resourceVersion).to.equal(String(cluster.api.store.resourceVersion));
    expect(newest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.not.include(
      'exact-a',
    );
  });

  it('refuses resourceVersionMatch=Exact with resourceVersion 0, and a match without a version, with 422', async () => {
    const zero = await rest('GET', '/api/v1/configmaps?resourceVersion=0&resourceVersionMatch=Exact');
    expect(zero.code).to.equal(422);
    expect(zero.body.message).to.equal(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
    );
    const none = await rest('GET', '/api/v1/configmaps?resourceVersionMatch=NotOlderThan');
    expect(none.body.message).to.equal(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  });

  it('refuses sendInitialEvents on a list (it is for watches) with 422', async () => {
    const r = await rest('GET', '/api/v1/configmaps?sendInitialEvents=true');
    expect(r.code).to.equal(422);
    expect(r.body.message).to.equal(
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
    );
  });

  it('answers a continue token older than the kept history with 410 Expired', async () => {
    for (const n of ['p1', 'p2', 'p3']) await create(n);
    const page = await rest('GET', '/api/v1/namespaces/default/configmaps?limit=1');
    for (let i = 0; i < 5; i++) await create(`churn-${i}`);
    const next = await rest(
      'GET',
      `/api/v1/namespaces/default/configmaps?limit=1&continue=${page.body.metadata.continue}`,
    );
    expect(next.code).to.equal(410);
    expect(next.body).to.deep.include({
      reason: 'Expired',
      message:
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    });
  });

  it('answers a watch from a version older than the history with an ERROR naming the oldest one it keeps', async () => {
    const old = await create('w-old');
    for (let i = 0; i < 5; i++) await create(`w-${i}`);
    const res = await fetch(
      `${cluster.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`,
      { headers: authHeader(cluster) },
    );
    expect(res.status).to.equal(200);
    const event = JSON.parse((await res.text()).trim());
    expect(event.type).to.equal('ERROR');
    const oldest = cluster.api.store.oldestVersion('/v1/configmaps');
    expect(event.object).to.deep.include({
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${old} (${oldest})`,
    });
  });

  it('streams only the changes after a future resourceVersion a watch names', async () => {
    const future = cluster.api.store.resourceVersion + 2;
    const controller = new AbortController();
    const res = await fetch(
      `${cluster.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${future}`,
      { headers: authHeader(cluster), signal: controller.signal },
    );
    expect(res.status).to.equal(200);
    for (const n of ['f1', 'f2', 'f3']) await create(n);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"f3"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const names = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).object.metadata.name);
    expect(names).to.deep.equal(['f3']);
  });

  // Boolean parameters convert as runtime.Convert_Slice_string_To_bool: all but "0"/"false" is true.
  it('reads watch=True (the Python client) as a watch', async () => {
    const controller = new AbortController();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps?watch=True`, {
      headers: authHeader(cluster),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(JSON.parse(first.split('\n')[0]!).type).to.equal('ADDED');
  });

  it('reads watch=FALSE and watch=0 as a list', async () => {
    for (const v of ['FALSE', '0']) {
      const r = await rest('GET', `/api/v1/namespaces/default/configmaps?watch=${v}`);
      expect(r.body.kind).to.equal('ConfigMapList');
    }
  });

  it('counts force=True on an apply patch', async () => {
    const apply = (manager: string, force: string) =>
      fetch(
        `${cluster.url}/api/v1/namespaces/default/configmaps/owned?fieldManager=${manager}&force=${force}`,
        {
          method: 'PATCH',
          headers: { ...authHeader(cluster), 'content-type': 'application/apply-patch+yaml' },
          body: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'owned' },
            data: { k: manager },
          }),
        },
      );
    expect((await apply('one', 'false')).status).to.equal(201);
    expect((await apply('two', 'false')).status).to.equal(409);
    expect((await apply('two', 'True')).status).to.equal(200);
  });
});
