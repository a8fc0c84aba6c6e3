/**
 * ReplicationControllers are served as kube-apiserver serves them (defaulted, listed, discoverable;
 * no replication manager), so kubectl apply --prune with its default allowlist — which lists them —
 * works against the embedded cluster (issue 14, defect 9).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';

const RC = `apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`;

const CONFIG = (name: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, labels: {set: pruned}}
data: {k: v}
`;

describe('ReplicationControllers', function () {
  this.timeout(120_000);
  let cluster: Cluster;
  let kubectl: KubectlSession;

  before(async () => {
    cluster = await startCluster();
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('stores one with core/v1 defaults: selector and labels from the template, one replica', async () => {
    await writeFile(join(kubectl.dir, 'rc.yaml'), RC);
    const created = await kubectl.run(['apply', '-f', join(kubectl.dir, 'rc.yaml')]);
    expect(created.stderr).to.equal('');
    expect(created.stdout.trim()).to.equal('replicationcontroller/legacy created');
    const got = await kubectl.run(['get', 'rc', 'legacy', '-o', 'json']);
    const rc = JSON.parse(got.stdout);
    expect(rc.spec.selector).to.deep.equal({ app: 'legacy' });
    expect(rc.metadata.labels).to.deep.equal({ app: 'legacy' });
    expect(rc.spec.replicas).to.equal(1);
    expect(rc.spec.template.spec.containers[0].imagePullPolicy).to.equal('IfNotPresent');
  });

  it('lets kubectl apply --prune with its default allowlist delete what left the manifests', async () => {
    await writeFile(join(kubectl.dir, 'a.yaml'), CONFIG('a'));
    await writeFile(join(kubectl.dir, 'b.yaml'), CONFIG('b'));
    const both = await kubectl.run([
      'apply',
      '-f',
      join(kubectl.dir, 'a.yaml'),
      '-f',
      join(kubectl.dir, 'b.yaml'),
    ]);
    expect(both.code, both.stderr).to.equal(0);
    const pruned = await kubectl.run([
      'apply',
      '--prune',
      '-l',
      'set=pruned',
      '-f',
      join(kubectl.dir, 'a.yaml'),
    ]);
    expect(pruned.code, pruned.stderr).to.equal(0);
    expect(pruned.stdout).to.include('configmap/b pruned');
    const left = await kubectl.run(['get', 'configmaps', '-l', 'set=pruned', '-o', 'name']);
    expect(left.stdout.trim()).to.equal('configmap/a');
  });
});
