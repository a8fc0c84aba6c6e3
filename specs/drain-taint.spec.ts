/**
 * CNPG drain_node_test.go, Karpenter: a drain taint (`karpenter.sh/disruption`) on the primary's
 * node counts as "being drained" for the operator, which switches over to an instance on another
 * node before anything is evicted. Nothing is evicted here: every instance keeps its pod.
 */
import { expect } from 'chai';
import { taintNode, untaintNode } from 'kubexpect';
import {
  CNPG_CLUSTERS,
  createClusterFromFixture,
  eventuallyCluster,
  instancePods,
  primaryPod,
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
import { cnpgFixture } from './support/fixtures.ts';
import { labelDrainNodes, schedulableNodes } from './support/nodes.ts';

const DRAIN_TAINT = 'karpenter.sh/disruption';

OnEachCluster(
  'E2E Drain Node: drain taint',
  Serial,
  Label('disruptive', 'maintenance'),
  SpecTimeout('10m'),
  (target) => {
    It(`switches over away from a node tainted ${DRAIN_TAINT}, evicting nothing`, async () => {
      const { conn } = target;
      const namespace = await useTestNamespace(conn, { prefix: 'drain-taint', watch: [CNPG_CLUSTERS] });
      const nodes = (await schedulableNodes(conn, 3)).slice(0, 3);
      await labelDrainNodes(conn, nodes);
      const { metadata } = await By('creating a three-instance cluster, one instance per node', () =>
        createClusterFromFixture(conn, namespace, cnpgFixture('cluster-drain-node-karpenter.yaml')),
      );
      const cluster = metadata.name;
      const before = await instancePods(conn, namespace, cluster);
      expect(before.map((p) => p.spec?.nodeName).sort(), 'nodes the instances run on').to.deep.equal(nodes);
      const primary = await primaryPod(conn, namespace, cluster);
      const node = primary.spec!.nodeName!;

      await By(`tainting ${node}, the primary's node, ${DRAIN_TAINT}:NoSchedule`, async () => {
        DeferCleanup(() => untaintNode(conn, node, DRAIN_TAINT));
        await taintNode(conn, node, { key: DRAIN_TAINT, effect: 'NoSchedule' });
      });
      const next = await By('waiting for an instance on another node to become primary', () =>
        eventuallyCluster(conn, namespace, cluster, { timeout: 'failover' }).toHavePrimaryOtherThan(
          primary.metadata!.name!,
        ),
      );
      const after = await instancePods(conn, namespace, cluster);
      expect(after.find((p) => p.metadata?.name === next)?.spec?.nodeName).to.not.equal(node);
      expect(
        after.map((p) => p.metadata?.uid),
        'instance pod uids (nothing evicted)',
      ).to.deep.equal(before.map((p) => p.metadata?.uid));
    });
  },
);
