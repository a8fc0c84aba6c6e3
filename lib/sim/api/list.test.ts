import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor, refusal } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';

describe('list with selectors and paging over HTTP', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  const ns = 'lists';

  before(async () => {
    cluster = await startCluster({ seed: 11 });
    core = clientsFor(cluster).core;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const labelled: [string, Record<string, string>][] = [
      ['web-1', { app: 'web', tier: 'front' }],
      ['web-2', { app: 'web' }],
      ['db-1', { app: 'db', tier: 'back' }],
      ['plain', {}],
    ];
    for (const [name, labels] of labelled) {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels } } });
    }
  });

  after(() => cluster.stop());

  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await core.listNamespacedConfigMap({ namespace: ns, labelSelector, fieldSelector })).items
      .map((i) => i.metadata!.name!)
      .filter((n) => n !== 'kube-root-ca.crt');

  it('selects by equality with = and ==', async () => {
    expect(await names('app=web')).to.deep.equal(['web-1', 'web-2']);
    expect(await names('app==db')).to.deep.equal(['db-1']);
  });

  it('selects by inequality, which includes objects without the label', async () => {
    expect(await names('app!=web')).to.deep.equal(['db-1', 'plain']);
  });

  it('selects by set membership with in and notin', async () => {
    expect(await names('tier in (front,back)')).to.deep.equal(['db-1', 'web-1']);
    expect(await names('tier notin (front)')).to.deep.equal(['db-1', 'plain', 'web-2']);
  });

  it('selects by existence with key and !key', async () => {
    expect(await names('tier')).to.deep.equal(['db-1', 'web-1']);
    expect(await names('!tier')).to.deep.equal(['plain', 'web-2']);
  });

  it('ANDs comma-separated requirements', async () => {
    expect(await names('app=web,tier')).to.deep.equal(['web-1']);
  });

  it('answers an unparsable label selector with 400 and what was wrong', async () => {
    const { code, status } = await refusal(
      core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=-x-' }),
    );
    expect(code).to.equal(400);
    expect(status).to.deep.include({
      reason: 'BadRequest',
      message: 'unable to parse requirement: invalid label value: "-x-" in selector "app=-x-"',
    });
  });

  it('selects by metadata.name with = and !=', async () => {
    expect(await names(undefined, 'metadata.name=web-2')).to.deep.equal(['web-2']);
    expect(await names('app', 'metadata.name!=web-2')).to.deep.equal(['db-1', 'web-1']);
  });

  // kube-apiserver v1.36.3: kinds without their own field label conversion (ConfigMaps) answer with
  // the default conversion's words; kinds with one (Pods) say "field label not supported".
  it('answers an unknown field of a ConfigMap with 400 naming the two fields it knows', async () => {
    const { code, status } = await refusal(
      core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'spec.x=1' }),
    );
    expect(code).to.equal(400);
    expect(status.message).to.equal(
      '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  // kube-apiserver v1.36.3: the storage layer's ParseUint error, 400 for a list and a bare 500 (no
  // reason) for a watch (differential watches/watch-invalid-resource-version).
  it('answers a resourceVersion that is not a number with 400 on a list and 500 on a watch', async () => {
    const get = (query: string) =>
      fetch(`${cluster.url}/api/v1/namespaces/${ns}/configmaps?${query}`, { headers: authHeader(cluster) });
    const list = await get('resourceVersion=abc');
    expect(list.status).to.equal(400);
    expect(((await list.json()) as { message: string }).message).to.equal(
      'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    );
    const watch = await get('watch=1&resourceVersion=abc');
    expect(watch.status).to.equal(500);
    const status = (await watch.json()) as Record<string, unknown>;
    expect(status).to.not.have.property('reason');
    expect(status.message).to.equal(
      'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
    );
  });

  it('answers an unknown field of a Pod with 400 field label not supported', async () => {
    const { code, status } = await refusal(
      core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.foo=b' }),
    );
    expect(code).to.equal(400);
    expect(status.message).to.equal('field label not supported: spec.foo');
  });

  it('answers a field selector without an operator with 400', async () => {
    const { code, status } = await refusal(
      core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name' }),
    );
    expect(code).to.equal(400);
    expect(status.message).to.equal("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  });

  // Paging follows apiserver pkg/storage (continue.go, etcd3/store.go): every page comes from the
  // first page's snapshot, whose version the token carries; remainingItemCount only without selectors.
  it('pages with limit and continue from the first page snapshot, so a later object does not appear', async () => {
    const first = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, labelSelector: 'app' });
    expect(first.items.map((i) => i.metadata!.name)).to.deep.equal(['db-1', 'web-1']);
    expect(first.metadata?.remainingItemCount).to.equal(undefined);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'web-3', labels: { app: 'web' } } },
    });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'web-2' });
    const second = await core.listNamespacedConfigMap({
      namespace: ns,
      limit: 2,
      labelSelector: 'app',
      _continue: first.metadata!._continue!,
    });
    expect(second.items.map((i) => i.metadata!.name)).to.deep.equal(['web-2']);
    expect(second.metadata?._continue).to.equal(undefined);
    expect(second.metadata?.resourceVersion).to.equal(first.metadata?.resourceVersion);
    const now = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app' });
    expect(now.items.map((i) => i.metadata!.name)).to.deep.equal(['db-1', 'web-1', 'web-3']);
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'web-3' });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'web-2', labels: { app: 'web' } } },
    });
  });

  it('counts the remaining items of a page only when the list has no selector', async () => {
    const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 1 });
    const all = await core.listNamespacedConfigMap({ namespace: ns });
    expect(page.metadata?.remainingItemCount).to.equal(all.items.length - 1);
    const selected = await core.listNamespacedConfigMap({
      namespace: ns,
      limit: 1,
      fieldSelector: 'metadata.name!=x',
    });
    expect(selected.metadata?._continue).to.be.a('string');
    expect(selected.metadata?.remainingItemCount).to.equal(undefined);
  });

  it("answers a forged continue token with 400 and the real server's words", async () => {
    const { code, status } = await refusal(
      core.listNamespacedConfigMap({ namespace: ns, _continue: 'not-a-token' }),
    );
    expect(code).to.equal(400);
    expect(status.message).to.match(/^invalid continue token: continue key is not valid/);
  });
});
