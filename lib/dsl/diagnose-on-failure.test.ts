import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { describeNamespaceState } from './namespace-state.ts';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';

describe('failure diagnostics of a namespace', () => {
  let cluster: Cluster;
  let conn: Connection;
  const namespace = 'diag';

  before(async () => {
    cluster = await startCluster({ seed: 3 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: namespace } } });
    await conn.core.createNode({
      body: {
        metadata: { name: 'worker-1' },
        spec: {
          unschedulable: true,
          taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
        },
      },
    });
    await conn.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'db-1' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'standard',
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    await conn.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: 'db-1.1' },
        involvedObject: { kind: 'Pod', name: 'db-1', namespace },
        reason: 'FailedScheduling',
        message: '0/1 nodes are available: 1 node(s) were unschedulable.',
        type: 'Warning',
        firstTimestamp: new Date(),
        lastTimestamp: new Date(),
      },
    });
  });

  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('describes pods, claims, nodes and events as tables', async () => {
    await conn.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'db-1' }, spec: { containers: [{ name: 'postgres', image: 'pg' }] } },
    });
    const text = await describeNamespaceState(conn, namespace);
    expect(text).to.match(
      /### Pods in diag\nNAME {2}PHASE {4}READY {2}NODE {2}UID {7}ROLE {2}WHY\ndb-1 {2}Pending {2}- {6}- {5}[0-9a-f]{8}/,
    );
    expect(text).to.match(
      /### PersistentVolumeClaims in diag\nNAME +PHASE +VOLUME +CLASS +UID +SELECTED NODE\ndb-1 +Pending +- +standard +[0-9a-f]{8} +-/,
    );
    expect(text).to.match(
      /### Nodes\nNAME +READY +SCHEDULABLE +TAINTS\nworker-1 +- +no \(cordoned\) +node\.kubernetes\.io\/unschedulable:NoSchedule/,
    );
    expect(text).to.match(
      /Warning +FailedScheduling +Pod\/db-1 +0\/1 nodes are available: 1 node\(s\) were unschedulable\./,
    );
  });

  it('puts the trajectories and the namespace state into the failure report of a failed spec', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-kubeconfig-'));
    const kubeconfig = join(dir, 'config');
    await writeFile(kubeconfig, cluster.kubeconfig);
    const clientUrl = new URL('../client/index.ts', import.meta.url).href;
    const result = await runNestedSpecs(`
      import { BeforeAll, By, DiagnoseOnFailure, Describe, It } from '${DSL_PATH}';
      import { connect } from '${clientUrl}';
      Describe('drain', () => {
        It('sees the pod go away', async () => {
          const conn = await connect({ kubeconfig: ${JSON.stringify(kubeconfig)} });
          DiagnoseOnFailure(conn, 'diag');
          By('deleting the pod');
          await new Promise((r) => setTimeout(r, 200));
          await conn.core.deleteNamespacedPod({ namespace: 'diag', name: 'db-1' });
          await new Promise((r) => setTimeout(r, 300));
          throw new Error('the pod was deleted');
        });
      });`);
    expect(result.failed).to.have.length(1);
    const path = /Failure report: (.*)\n/.exec(result.failed[0]!.message)?.[1];
    const report = await readFile(path!, 'utf8');
    expect(report).to.include(
      '## Trajectories (times relative to the start of the failed node; namespace diag)',
    );
    expect(report).to.match(
      /pods\/db-1:\n +\+\d+\.\d{3}s +LISTED +list +uid [0-9a-f]{8} .*Pending .*\n +\+\d+\.\d{3}s +DELETED +watch/,
    );
    expect(report).to.include('## Cluster state when the report was taken (namespace diag)');
    expect(report).to.include('### Pods in diag\n(none)');
  });
});
