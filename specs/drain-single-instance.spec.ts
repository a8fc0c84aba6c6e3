/**
 * CNPG drain_node_test.go, single instance. With the PodDisruptionBudget disabled, draining the
 * primary's node evicts it: on storage pinned to the node it waits Pending, on storage that follows
 * it runs elsewhere (CNPG #6971 made its spec accept both). Either way, after the uncordon the
 * cluster is ready again on the same PVC. With the budget enabled the drain is refused.
 */
import { expect } from 'chai';
import { drainNode, EvictionRefusedError, eventuallyPod, uncordon } from 'kubexpect';
import {
  CNPG_CLUSTERS,
  createClusterFromFixture,
  eventuallyCluster,
  expectSamePvcs,
  primaryPod,
  pvcIdentities,
} from 'kubexpect/cnpg';
import {
  By,
  DeferCleanup,
  It,
  Label,
  OnEachCluster,
  Serial,
  SpecTimeout,
  useTestNamespace,
} from 'kubexpect/dsl';
import { DRAIN_OPTIONS } from './support/drain.ts';
import { cnpgFixture } from './support/fixtures.ts';

OnEachCluster(
  'E2E Drain Node: single instance',
  Serial,
  Label('disruptive', 'maintenance'),
  SpecTimeout('10m'),
  (target) => {
    It(
      'with the PDB disabled, the drained primary is Pending or elsewhere, then ready again on its PVC',
      async () => {
        const { conn } = target;
        const namespace = await useTestNamespace(conn, { prefix: 'drain-single', watch: [CNPG_CLUSTERS] });
        const { metadata } = await By('creating a one-instance cluster without a PodDisruptionBudget', () =>
          createClusterFromFixture(conn, namespace, cnpgFixture('cluster-single-instance-pdb-disabled.yaml')),
        );
        const cluster = metadata.name;
        const primary = await primaryPod(conn, namespace, cluster);
        const node = primary.spec!.nodeName!;
        const pvcs = await pvcIdentities(conn, namespace, cluster);

        await By(`draining ${node}, the primary's node`, async () => {
          DeferCleanup(() => uncordon(conn, node));
          await drainNode(conn, node, DRAIN_OPTIONS);
        });
        const outcome = await By(
          'checking the primary is Pending or running on another node, as its storage allows',
          () =>
            eventuallyPod(conn, namespace, primary.metadata!.name!, {
              timeout: 'drainNode',
            }).toBeRescheduledOrPending({
              from: node,
              baseline: primary,
              expect: 'auto',
            }),
        );
        expect(outcome.kind).to.be.oneOf(['pending', 'rescheduled']);
        await By(`uncordoning ${node}`, () => uncordon(conn, node));
        await By('waiting for the cluster to be ready', () =>
          eventuallyCluster(conn, namespace, cluster, { timeout: 'clusterIsReady' }).toBeReady(),
        );
        await By('checking the instance is back on the same PVC', () =>
          expectSamePvcs(conn, namespace, cluster, pvcs),
        );
      },
    );

    It('with the PDB enabled, the drain is refused with the PodDisruptionBudget message', async () => {
      const { conn } = target;
      const namespace = await useTestNamespace(conn, { prefix: 'drain-pdb', watch: [CNPG_CLUSTERS] });
      const { metadata } = await By('creating a one-instance cluster with its PodDisruptionBudget', () =>
        createClusterFromFixture(conn, namespace, cnpgFixture('cluster-single-instance-pdb-enabled.yaml')),
      );
      const cluster = metadata.name;
      const primary = await primaryPod(conn, namespace, cluster);
      const node = primary.spec!.nodeName!;

      const err = await By(`draining ${node} with a 20s deadline`, async () => {
        DeferCleanup(() => uncordon(conn, node));
        return drainNode(conn, node, { ...DRAIN_OPTIONS, timeout: '20s' }).then(
          () => undefined,
          (e: unknown) => e,
        );
      });
      expect(err).to.be.instanceOf(EvictionRefusedError);
      const refused = err as EvictionRefusedError;
      expect(refused.pdb).to.equal(`${cluster}-primary`);
      expect(refused.message).to.include("Cannot evict pod as it would violate the pod's disruption budget.");
      expect(refused.evicted).to.deep.equal([]);
      await By('checking the primary never left its node', async () => {
        const now = await primaryPod(conn, namespace, cluster);
        expect(now.metadata?.uid).to.equal(primary.metadata?.uid);
        expect(now.spec?.nodeName).to.equal(node);
      });
    });
  },
);
