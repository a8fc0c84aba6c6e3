/**
 * The simulated operator seen through the real kubectl v1.35, as a user drives CNPG: create a
 * Cluster from YAML, wait for its Ready condition, read the printer columns, select the primary by
 * label, and meet the primary PDB in `kubectl drain`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { type KubectlSession, kubectlSession } from '../../testing/kubectl-session.ts';

describe('the simulated CloudNativePG operator through kubectl', function () {
  // Clusters become Ready in seconds when idle; a busy machine takes minutes. Passing waits end early.
  this.timeout(400_000);
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const run = (args: string[]) => kubectl.run(args);

  before(async () => {
    // kubectl sends no bearer token over plain http, so this cluster runs without one.
    cluster = await startCluster({ preset: 'kind', timeScale: 0.02, seed: 31, token: false });
    kubectl = await kubectlSession(cluster, 300_000);
    await writeFile(
      join(kubectl.dir, 'clusters.yaml'),
      [
        'apiVersion: postgresql.cnpg.io/v1',
        'kind: Cluster',
        'metadata:',
        '  name: pg',
        'spec:',
        '  instances: 3',
        '  storage:',
        '    size: 1Gi',
        '---',
        'apiVersion: postgresql.cnpg.io/v1',
        'kind: Cluster',
        'metadata:',
        '  name: single',
        'spec:',
        '  instances: 1',
        '  storage:',
        '    size: 1Gi',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await cluster?.stop();
    await kubectl?.close();
  });

  it('creates Clusters from YAML and waits for their Ready condition', async () => {
    const created = await run(['create', '-f', join(kubectl.dir, 'clusters.yaml')]);
    expect(created.stderr).to.equal('');
    expect(created.stdout).to.equal(
      'cluster.postgresql.cnpg.io/pg created\ncluster.postgresql.cnpg.io/single created\n',
    );
    const waited = await run([
      'wait',
      '--for=condition=Ready',
      'cluster/pg',
      'cluster/single',
      '--timeout=240s',
    ]);
    expect(waited.stderr).to.equal('');
    expect(waited.stdout).to.equal(
      'cluster.postgresql.cnpg.io/pg condition met\ncluster.postgresql.cnpg.io/single condition met\n',
    );
  });

  it('prints the instances, ready count, phase and primary in the printer columns', async () => {
    const got = await run(['get', 'cluster', 'pg', '--no-headers']);
    expect(
      got.stdout
        .trim()
        .split(/\s{2,}/)
        .slice(2),
    ).to.deep.equal(['3', '3', 'Cluster in healthy state', 'pg-1']);
  });

  it('selects the primary pod by its cnpg.io/instanceRole label', async () => {
    const got = await run([
      'get',
      'pods',
      '-l',
      'cnpg.io/cluster=pg,cnpg.io/instanceRole=primary',
      '-o',
      'name',
    ]);
    expect(got.stdout).to.equal('pod/pg-1\n');
  });

  it('refuses to drain the node of a single-instance primary while enablePDB is true', async () => {
    const node = (await run(['get', 'pod', 'single-1', '-o', 'jsonpath={.spec.nodeName}'])).stdout.trim();
    const drained = await run([
      'drain',
      node,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--pod-selector=cnpg.io/cluster=single',
      '--timeout=3s',
    ]);
    expect(drained.code).to.not.equal(0);
    expect(drained.stderr).to.contain("Cannot evict pod as it would violate the pod's disruption budget.");
    await run(['uncordon', node]);
  });
});
