/**
 * kubectl 1.35 through the protocol details of issue 14: paged lists (kubectl get follows continue
 * tokens, 500 a page by default) and the NotFound details kubectl debug reads.
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor } from '../testing/clients.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';

describe('kubectl through paging, NotFound details and debug', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;
  before(async () => {
    cluster = await startCluster({ seed: 71 });
    kubectl = await kubectlSession(cluster, 60_000);
    const { core } = clientsFor(cluster);
    await core.createNamespace({ body: { metadata: { name: 'pages' } } });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await core.createNamespacedConfigMap({ namespace: 'pages', body: { metadata: { name } } });
    }
    await core.createNamespacedPod({
      namespace: 'pages',
      body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    });
  });
  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('lists every object one page at a time with --chunk-size=1', async () => {
    const before = cluster.requestCounts().list ?? 0;
    const r = await kubectl.run(['get', 'configmaps', '-n', 'pages', '--chunk-size=1', '-o', 'name']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.include.members([
      'configmap/a',
      'configmap/b',
      'configmap/c',
      'configmap/d',
      'configmap/e',
    ]);
    expect((cluster.requestCounts().list ?? 0) - before).to.be.at.least(5);
  });

  // kubectl pkg/cmd/debug/debug.go reads details.name of the 404 to say ephemeral containers are off;
  // without details it panicked.
  it('says ephemeral containers are unavailable instead of panicking in kubectl debug', async () => {
    const r = await kubectl.run([
      'debug',
      'web',
      '-n',
      'pages',
      '--image=busybox',
      '--profile=general',
      '-q',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(
      'error: ephemeral containers are disabled for this cluster (error from server: "the server could not find the requested resource")',
    );
    expect(r.stderr).to.not.contain('panic');
  });
});
