/**
 * CNPG drain_node_test.go, maintenance window with reusePVC off: all three instances on one node;
 * draining it deletes each instance whose volume cannot follow it, with its PVCs, and re-clones it
 * on another node under the same name. Where volumes can follow their pod the instances simply
 * move, so the spec does not apply there and says why (CNPG skips it with CanMovePVCAcrossNodes).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import {
  canStorageClassMoveAcrossNodes,
  detectStorage,
  drainNode,
  eventuallyPods,
  fail,
  formatStorageVerdict,
  type MatcherDefinition,
  pass,
  type SetState,
  uncordon,
} from 'kubexpect';
import {
  CNPG_CLUSTERS,
  createClusterFromFixture,
  eventuallyCluster,
  instancePods,
  pvcIdentities,
  selectors,
} from 'kubexpect/cnpg';
import {
  By,
  DeferCleanup,
  It,
  Label,
  OnEachCluster,
  Serial,
  Skip,
  SpecTimeout,
  useTestNamespace,
} from 'kubexpect/dsl';
import { DRAIN_OPTIONS } from './support/drain.ts';
import { cnpgFixture } from './support/fixtures.ts';
import { labelDrainNodes, schedulableNodes } from './support/nodes.ts';

OnEachCluster(
  'E2E Drain Node: maintenance without PVC reuse',
  Serial,
  Label('disruptive', 'maintenance'),
  SpecTimeout('10m'),
  (target) => {
    It('re-clones the drained instances on another node under the same names, with new PVCs', async () => {
      const { conn } = target;
      if (await canStorageClassMoveAcrossNodes(conn)) {
        const verdict = formatStorageVerdict(await detectStorage(conn))
          .split('\n')[0]!
          .replace(/:$/, '');
        Skip(
          `volumes of the default ${verdict} can follow their pod, so a drained instance moves instead of being re-cloned`,
        );
      }
      const namespace = await useTestNamespace(conn, { prefix: 'drain-pvc-off', watch: [CNPG_CLUSTERS] });
      const [first, second] = await schedulableNodes(conn, 2);
      await labelDrainNodes(conn, [first!]);
      const { metadata } = await By(`creating a three-instance cluster on ${first}`, () =>
        createClusterFromFixture(conn, namespace, cnpgFixture('cluster-drain-node-pvc-off.yaml')),
      );
      const cluster = metadata.name;
      const before = await instancePods(conn, namespace, cluster);
      expect(before.map((p) => p.spec?.nodeName)).to.deep.equal([first, first, first]);
      const pvcsBefore = await pvcIdentities(conn, namespace, cluster);

      await labelDrainNodes(conn, [second!], 'so the instances have somewhere to go');
      await By(`draining ${first}`, async () => {
        DeferCleanup(() => uncordon(conn, first!));
        await drainNode(conn, first!, DRAIN_OPTIONS);
      });
      await By('waiting for the cluster to be ready with every instance re-cloned', async () => {
        await eventuallyCluster(conn, namespace, cluster, { timeout: 'drainNode' }).toBeReady();
        // The Cluster's status can say ready a moment before the last re-cloned pod exists and is
        // Ready: wait for the three instance pods too, Ready on the node they were moved to.
        const reCloned: MatcherDefinition<SetState<V1Pod>, V1Pod[]> = {
          name: 'toBeReCloned',
          expectation: `to be three Ready instances on ${second}`,
          test({ objects }) {
            const ready = objects.filter(
              (p) =>
                p.spec?.nodeName === second &&
                p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
            );
            const names = objects
              .map((p) => `${p.metadata?.name}@${p.spec?.nodeName ?? 'unscheduled'}`)
              .join(', ');
            return ready.length === 3 && objects.length === 3
              ? pass([...objects], `all three Ready on ${second}`)
              : fail(`${ready.length} of 3 Ready on ${second}; instances: ${names || 'none'}`);
          },
        };
        await eventuallyPods(conn, namespace, { labelSelector: selectors.instances(cluster) }).toMatch(
          reCloned,
        );
      });
      const after = await instancePods(conn, namespace, cluster);
      expect(after.map((p) => p.metadata?.name)).to.deep.equal(before.map((p) => p.metadata?.name));
      expect(after.map((p) => p.spec?.nodeName)).to.deep.equal([second, second, second]);
      const pvcsAfter = await pvcIdentities(conn, namespace, cluster);
      expect([...pvcsAfter.keys()]).to.deep.equal([...pvcsBefore.keys()]);
      for (const [name, uid] of pvcsAfter) expect(uid, `PVC ${name}`).to.not.equal(pvcsBefore.get(name));
    });
  },
);
