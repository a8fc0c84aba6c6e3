/**
 * A deliberately wrong spec, run in a nested mocha: on storage that follows the pod (the embedded
 * `cloud` preset), it insists that the drained primary goes Pending. It must fail, and its failure
 * must say what happened instead (the pod was rescheduled to another node) and why (the storage).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  Describe,
  EMBEDDED_SEED,
  EMBEDDED_SLOW_FACTOR,
  EMBEDDED_TIME_SCALE,
  It,
  Label,
  runNestedSpecs,
  SpecTimeout,
} from 'kubexpect/dsl';

// Paths rather than file URLs, so the nested file reuses the modules this process already loaded.
const modulePath = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const wrongSpec = `
import { eventuallyPod, drainNode } from '${modulePath('../lib/index.ts')}';
import { createClusterFromFixture, primaryPod } from '${modulePath('../lib/cnpg/index.ts')}';
import { BeforeAll, By, DeferCleanup, Describe, It, useTestNamespace } from '${modulePath('../lib/dsl/index.ts')}';
import { connect } from '${modulePath('../lib/client/index.ts')}';
import { startCluster } from '${modulePath('../lib/sim/index.ts')}';

Describe('single instance on storage that follows the pod', () => {
  let conn;
  BeforeAll(async () => {
    const sim = await startCluster({ preset: 'cloud', timeScale: ${EMBEDDED_TIME_SCALE}, seed: ${EMBEDDED_SEED} });
    DeferCleanup(() => sim.stop());
    conn = await connect({ kubeconfig: sim.kubeconfig });
    DeferCleanup(() => conn.close());
  });

  It('expects the drained primary to go Pending', async () => {
    const namespace = await useTestNamespace(conn, { prefix: 'wrong' });
    const { metadata } = await createClusterFromFixture(conn, namespace, ${JSON.stringify(
      new URL('../fixtures/cnpg/cluster-single-instance-pdb-disabled.yaml', import.meta.url).pathname,
    )});
    const primary = await primaryPod(conn, namespace, metadata.name);
    const node = primary.spec.nodeName;
    await By('draining ' + node, () => drainNode(conn, node, { deleteEmptyDirData: true, force: true, retryDelayMs: 1000 }));
    await By('insisting on Pending', () =>
      eventuallyPod(conn, namespace, primary.metadata.name, { timeout: '10s' })
        .toBeRescheduledOrPending({ from: node, baseline: primary, expect: 'pending' }));
  });
});
`;

Describe('A deliberately wrong spec', Label('meta'), SpecTimeout('2m'), () => {
  It(
    'expecting only Pending on movable storage fails, showing the reschedule and the storage behind it',
    async () => {
      const result = await runNestedSpecs(wrongSpec, {
        timeoutMs: 60_000,
        env: { KUBEXPECT_SLOW_FACTOR: String(EMBEDDED_SLOW_FACTOR) },
      });
      expect(result.passed).to.deep.equal([]);
      expect(result.failed).to.have.length(1);
      const { message } = result.failed[0]!;
      const drained = /to be Pending after leaving (cloud-worker-\w+)/.exec(message)?.[1];
      const movedTo = /a new instance \(uid [0-9a-f]{8}\) is on (cloud-worker-\w+)/.exec(message)?.[1];
      expect(message).to.match(
        /^Gave up after [\d.]+m?s of 3s \(10s ×0\.3\): expected pod wrong-\w+\/cluster-single-instance-pdb-1 to be Pending after leaving cloud-worker-\w+, and that can no longer happen\.\n/,
      );
      expect(drained, 'the drained node in the message').to.be.a('string');
      expect(movedTo, `the node the pod moved to, in:\n${message}`).to.be.a('string').and.not.equal(drained);
      expect(message).to.include(
        '\n  storage: class "standard-rwo" (rook-ceph.rbd.csi.ceph.com): volumes can follow their pod to any node (PV pvc-',
      );
      expect(message).to.match(/; a drained pod is expected to be rescheduled on another node$/);
      const report = await readFile(/Failure report: (.*)\n/.exec(message)![1]!, 'utf8');
      expect(report).to.match(
        /## Storage behind the claims in wrong-\w+\n\ncluster-single-instance-pdb-1: class "standard-rwo"/,
      );
      expect(report).to.match(/pods\/cluster-single-instance-pdb-1:\n/);
    },
  );
});
