/**
 * CNPG drain_node_test.go, "3 pods on 2 nodes" during a maintenance window that reuses PVCs: the
 * drain of the primary's node makes another instance primary, and after the uncordon every evicted
 * instance is back on its own PVCs (same uids). Whether the evicted instances waited Pending for
 * their node or moved with their volumes depends on the storage; the spec accepts both.
 */
import { expect } from 'chai';
import { drainNode, uncordon } from 'kubexpect';
import {
  CNPG_CLUSTERS,
  createClusterFromFixture,
  eventuallyCluster,
  expectSamePvcs,
  instancePods,
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
import { labelDrainNodes, schedulableNodes } from './support/nodes.ts';

OnEachCluster(
  'E2E Drain Node: three instances',
  Serial,
  Label('disruptive', 'maintenance'),
  SpecTimeout('10m'),
  (target) => {
    It(
      "on two nodes, drains the primary's node to a new primary and brings every instance back on its PVCs",
      async () => {
        const { conn } = target;
        const namespace = await useTestNamespace(conn, { prefix: 'drain-three', watch: [CNPG_CLUSTERS] });
        const nodes = (await schedulableNodes(conn, 2)).slice(0, 2);
        await labelDrainNodes(conn, nodes);
        const { metadata } = await By('creating a three-instance cluster on those nodes', () =>
          createClusterFromFixture(conn, namespace, cnpgFixture('cluster-drain-node.yaml')),
        );
        const cluster = metadata.name;
        const pods = await instancePods(conn, namespace, cluster);
        expect(
          [...new Set(pods.map((p) => p.spec?.nodeName))].sort(),
          'nodes the instances run on',
        ).to.deep.equal(nodes);
        const primary = await primaryPod(conn, namespace, cluster);
        const node = primary.spec!.nodeName!;
        const pvcs = await pvcIdentities(conn, namespace, cluster);

        await By(`draining ${node}, the primary's node`, async () => {
          DeferCleanup(() => uncordon(conn, node));
          await drainNode(conn, node, DRAIN_OPTIONS);
        });
        await By('waiting for an instance on the other node to become primary', () =>
          eventuallyCluster(conn, namespace, cluster, { timeout: 'failover' }).toHavePrimaryOtherThan(
            primary.metadata!.name!,
          ),
        );
        await By(`uncordoning ${node}`, () => uncordon(conn, node));
        await By('waiting for the cluster to be ready', () =>
          eventuallyCluster(conn, namespace, cluster, { timeout: 'clusterIsReady' }).toBeReady(),
        );
        await By('checking every instance is back on its own PVCs', () =>
          expectSamePvcs(conn, namespace, cluster, pvcs),
        );
      },
    );
  },
);
