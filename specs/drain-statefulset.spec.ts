/**
 * The seed race with a StatefulSet: one replica with a PVC from a volumeClaimTemplate on the
 * cluster's default storage. Draining its node evicts the pod; the StatefulSet recreates it under
 * the same name, and the scheduler decides where it may go. On storage pinned to the node it stays
 * Pending; on storage that follows the pod it runs elsewhere within seconds, which a spec polling
 * for Pending misses. `expect: 'auto'` asks the storage which outcome to require. The negative
 * controls show the matcher fails when nothing happened and when the pod came back on the drained
 * node, and a PodDisruptionBudget makes the drain itself fail with its typed error.
 */
import type { V1PersistentVolume, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Connection, drainNode, EvictionRefusedError, eventuallyPod, uncordon } from 'kubexpect';
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

const SET = 'web';
const POD = `${SET}-0`;
const CLAIM = `data-${SET}-0`;
/**
 * One pod with a 10 s grace period: a pod rollout's budget bounds the drain and the outcome, so every
 * wait fits the spec's 10 minutes on a real cluster too (drainNode's 15 minutes would not).
 */
const OUTCOME_BUDGET = 'podRollout';

/** A one-replica StatefulSet with a 1Gi claim on the default storage class; optionally pinned to a node. */
async function createStatefulSet(conn: Connection, namespace: string, nodeName?: string): Promise<void> {
  await conn.call(`create StatefulSet ${namespace}/${SET}`, () =>
    conn.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name: SET },
        spec: {
          replicas: 1,
          serviceName: SET,
          selector: { matchLabels: { app: SET } },
          template: {
            metadata: { labels: { app: SET } },
            spec: {
              ...(nodeName ? { nodeSelector: { 'kubernetes.io/hostname': nodeName } } : {}),
              terminationGracePeriodSeconds: 10,
              containers: [{ name: 'web', image: 'nginx:1.27' }],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    }),
  );
}

/**
 * What the volume itself says, read from the PV bound to the claim (not from kubexpect's storage
 * profiles, which `expect: 'auto'` consults): a required node affinity on the hostname naming one
 * node pins the pod to that node; anything else lets it start elsewhere.
 */
function allowedOutcome(pv: V1PersistentVolume): 'pending' | 'rescheduled' {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const pinned =
    terms.length > 0 &&
    terms.every((t) =>
      (t.matchExpressions ?? []).some(
        (e) => e.key === 'kubernetes.io/hostname' && e.operator === 'In' && e.values?.length === 1,
      ),
    );
  return pinned ? 'pending' : 'rescheduled';
}

/** Creates the StatefulSet and waits for its pod to be Ready; resolves to the pod, its claim's uid and its PV. */
async function readyStatefulSet(
  conn: Connection,
  namespace: string,
  nodeName?: string,
): Promise<{ pod: V1Pod; node: string; claimUid: string; pv: V1PersistentVolume }> {
  await By(`creating StatefulSet ${SET} with one replica and a volumeClaimTemplate`, () =>
    createStatefulSet(conn, namespace, nodeName),
  );
  await By(`waiting for ${POD} to be Ready`, () =>
    eventuallyPod(conn, namespace, POD, { timeout: 'podRollout' }).toBeReady(),
  );
  const pod = await conn.call(`read pod ${POD}`, () => conn.core.readNamespacedPod({ namespace, name: POD }));
  const claim = await conn.call(`read PVC ${CLAIM}`, () =>
    conn.core.readNamespacedPersistentVolumeClaim({ namespace, name: CLAIM }),
  );
  const volumeName = claim.spec?.volumeName;
  expect(volumeName, `PVC ${CLAIM} bound to a volume once ${POD} is Ready`).to.be.a('string');
  const pv = await conn.call(`read PV ${volumeName}`, () =>
    conn.core.readPersistentVolume({ name: volumeName! }),
  );
  return { pod, node: pod.spec!.nodeName!, claimUid: claim.metadata!.uid!, pv };
}

OnEachCluster(
  'E2E Drain Node: StatefulSet',
  Serial,
  Label('disruptive', 'maintenance'),
  SpecTimeout('10m'),
  (target) => {
    It(
      'the drained pod is Pending or elsewhere as its storage allows, then Ready again on its PVC',
      async () => {
        const { conn } = target;
        const namespace = await useTestNamespace(conn, { prefix: 'drain-sts' });
        const { pod, node, claimUid, pv } = await readyStatefulSet(conn, namespace);
        const allowed = allowedOutcome(pv);

        await By(`draining ${node}, the pod's node`, async () => {
          DeferCleanup(() => uncordon(conn, node));
          await drainNode(conn, node, { ...DRAIN_OPTIONS, timeout: OUTCOME_BUDGET });
        });
        const outcome = await By(
          'checking the pod is Pending or running on another node, as its storage allows',
          () =>
            eventuallyPod(conn, namespace, POD, { timeout: OUTCOME_BUDGET }).toBeRescheduledOrPending({
              from: node,
              baseline: pod,
              expect: 'auto',
            }),
        );
        expect(outcome.kind, `the outcome ${pv.metadata?.name}'s node affinity allows`).to.equal(allowed);
        if (outcome.kind === 'rescheduled') expect(outcome.to).to.not.equal(node);
        if (outcome.kind === 'pending') {
          // The scheduler's own words, e.g. on kube-scheduler 1.36: "0/4 nodes are available: 1 node(s)
          // had untolerated taint(s), 1 node(s) were unschedulable, 2 node(s) didn't match
          // PersistentVolume's node affinity. …". The volume's part is worded differently by versions.
          expect(outcome.reason).to.equal('Unschedulable');
          expect(outcome.message).to.match(/^0\/\d+ nodes are available: /);
          expect(outcome.message).to.include('1 node(s) were unschedulable');
        }
        await By(`uncordoning ${node}`, () => uncordon(conn, node));
        await By(`waiting for ${POD} to be Ready again`, () =>
          eventuallyPod(conn, namespace, POD, { timeout: 'podRollout' }).toBeReady(),
        );
        await By(`checking ${POD} is a new instance on the same PVC`, async () => {
          const now = await conn.call(`read pod ${POD}`, () =>
            conn.core.readNamespacedPod({ namespace, name: POD }),
          );
          expect(now.metadata?.uid, 'pod uid').to.not.equal(pod.metadata?.uid);
          const claims = (now.spec?.volumes ?? [])
            .map((v) => v.persistentVolumeClaim?.claimName)
            .filter(Boolean);
          expect(claims).to.deep.equal([CLAIM]);
          const claim = await conn.call(`read PVC ${CLAIM}`, () =>
            conn.core.readNamespacedPersistentVolumeClaim({ namespace, name: CLAIM }),
          );
          expect(claim.metadata?.uid, `PVC ${CLAIM} uid`).to.equal(claimUid);
          expect(claim.spec?.volumeName, `PVC ${CLAIM} volume`).to.equal(pv.metadata?.name);
          if (outcome.kind === 'pending')
            expect(now.spec?.nodeName, 'node after the uncordon').to.equal(node);
        });
      },
    );

    It('negative control: without a drain the matcher fails, naming the original instance', async () => {
      const { conn } = target;
      const namespace = await useTestNamespace(conn, { prefix: 'drain-sts-none' });
      const { pod, node } = await readyStatefulSet(conn, namespace);

      // Long enough for 'auto' to read the storage and judge the pod at least once on a busy machine.
      const err = await By('waiting 20s for an outcome nothing causes', () =>
        eventuallyPod(conn, namespace, POD, { timeout: '20s' })
          .toBeRescheduledOrPending({ from: node, baseline: pod, expect: 'auto' })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      expect(err, 'the matcher must fail').to.be.instanceOf(Error);
      expect((err as Error).message).to.include(`expected pod ${namespace}/${POD} to be`);
      expect((err as Error).message).to.include('the original instance is still there');
    });

    It('negative control: a new instance back on the drained node fails at once', async () => {
      const { conn } = target;
      const namespace = await useTestNamespace(conn, { prefix: 'drain-sts-back' });
      const [first] = (await conn.call('list nodes', () => conn.core.listNode())).items
        .filter(
          (n) => !n.spec?.unschedulable && !(n.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule'),
        )
        .map((n) => n.metadata!.name!)
        .sort();
      const { pod, node } = await readyStatefulSet(conn, namespace, first);

      await By(`deleting ${POD} without cordoning ${node}, so it comes back there`, () =>
        conn.call(`delete pod ${POD}`, () => conn.core.deleteNamespacedPod({ namespace, name: POD })),
      );
      const err = await By('expecting the matcher to fail once the new instance is on the same node', () =>
        eventuallyPod(conn, namespace, POD, { timeout: 'podRollout' })
          .toBeRescheduledOrPending({ from: node, baseline: pod, expect: 'auto' })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      expect(err, 'the matcher must fail').to.be.instanceOf(Error);
      expect((err as Error).message).to.include(`was scheduled back onto ${node}`);
      expect((err as Error).message).to.include('can no longer happen');
    });

    It('with a PodDisruptionBudget the drain is refused with EvictionRefusedError', async () => {
      const { conn } = target;
      const namespace = await useTestNamespace(conn, { prefix: 'drain-sts-pdb' });
      const { pod, node } = await readyStatefulSet(conn, namespace);
      await By('creating a PodDisruptionBudget that allows no disruption', () =>
        conn.call('create PodDisruptionBudget', () =>
          conn.policy.createNamespacedPodDisruptionBudget({
            namespace,
            body: {
              metadata: { name: SET },
              spec: { minAvailable: 1, selector: { matchLabels: { app: SET } } },
            },
          }),
        ),
      );

      const err = await By(`draining ${node} with a 20s deadline`, async () => {
        DeferCleanup(() => uncordon(conn, node));
        return drainNode(conn, node, { ...DRAIN_OPTIONS, timeout: '20s' }).then(
          () => undefined,
          (e: unknown) => e,
        );
      });
      expect(err).to.be.instanceOf(EvictionRefusedError);
      const refused = err as EvictionRefusedError;
      expect(refused.pdb).to.equal(SET);
      expect(refused.message).to.include("Cannot evict pod as it would violate the pod's disruption budget.");
      await By(`checking ${POD} never left ${node}`, async () => {
        const now = await conn.call(`read pod ${POD}`, () =>
          conn.core.readNamespacedPod({ namespace, name: POD }),
        );
        expect(now.metadata?.uid).to.equal(pod.metadata?.uid);
        expect(now.spec?.nodeName).to.equal(node);
      });
    });
  },
);
