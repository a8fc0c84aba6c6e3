import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { type Cluster, kubeconfigYaml, startCluster } from './index.ts';
import { clientsFor } from './testing/clients.ts';

describe('startCluster', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;

  before(async () => {
    cluster = await startCluster({ seed: 1, token: true });
    core = clientsFor(cluster).core;
  });

  after(() => cluster.stop());

  it('serves the default namespaces to @kubernetes/client-node over HTTP', async () => {
    const list = await core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).to.include.members(['default', 'kube-system']);
  });

  it('creates a pod with server-set metadata and reads it back', async () => {
    const created = await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    });
    expect(created.metadata?.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(created.status?.phase).to.equal('Pending');
    const read = await core.readNamespacedPod({ namespace: 'default', name: 'web-0' });
    expect(read.metadata?.resourceVersion).to.equal(created.metadata?.resourceVersion);
  });

  it('answers a missing pod with the real NotFound Status', async () => {
    const err = await core.readNamespacedPod({ namespace: 'default', name: 'nope' }).catch((e) => e);
    expect(err.code).to.equal(404);
    expect(JSON.parse(err.body)).to.deep.include({
      reason: 'NotFound',
      message: 'pods "nope" not found',
      code: 404,
    });
  });

  it('refuses requests without the bearer token with 401', async () => {
    const res = await fetch(`${cluster.url}/api/v1/pods`);
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.include({ kind: 'Status', reason: 'Unauthorized' });
  });

  it('writes every kubeconfig value quoted, so a token or name with ": " or a newline injects nothing', () => {
    const token = 'evil: true\nusers: []\n- name: x';
    const name = 'ctx: {a: b}\n# c';
    const doc = parseYaml(kubeconfigYaml('http://127.0.0.1:1', token, name));
    expect(doc.users).to.deep.equal([{ name, user: { token } }]);
    expect(doc['current-context']).to.equal(name);
    expect(Object.keys(doc).sort()).to.deep.equal([
      'apiVersion',
      'clusters',
      'contexts',
      'current-context',
      'kind',
      'users',
    ]);
  });

  it('refuses a token an HTTP header cannot carry, before starting anything', async () => {
    await startCluster({ token: 'a\nb' }).then(
      () => expect.fail('startCluster accepted a token with a newline'),
      (err: Error) => {
        expect(err).to.be.instanceOf(TypeError);
        expect(err.message).to.match(/^startCluster: token must be non-empty visible ASCII/);
      },
    );
  });

  it('serves clients whose token holds ": "', async () => {
    const other = await startCluster({ seed: 2, token: 'key: value' });
    try {
      const names = (await clientsFor(other).core.listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).to.include('default');
    } finally {
      await other.stop();
    }
  });
});
