/**
 * CloudNativePG self-healing (CNPG failover_test.go and switchover_test.go): a three-instance
 * cluster fails over when its primary pod is deleted, and switches over when a replica is promoted.
 * Ordered: the switchover runs on the cluster the failover left behind.
 */
import { expect } from 'chai';
import {
  CNPG_CLUSTERS,
  createClusterFromFixture,
  eventuallyCluster,
  instancePods,
  primaryPod,
  promote,
  replicaPods,
} from 'kubexpect/cnpg';
import {
  BeforeAll,
  By,
  It,
  Label,
  OnEachCluster,
  Ordered,
  SpecTimeout,
  useTestNamespace,
} from 'kubexpect/dsl';
import { cnpgFixture } from './support/fixtures.ts';

OnEachCluster('Failover and switchover', Ordered, Label('self-healing'), SpecTimeout('5m'), (target) => {
  let namespace: string;
  let cluster: string;

  BeforeAll(async () => {
    namespace = await useTestNamespace(target.conn, { prefix: 'failover', watch: [CNPG_CLUSTERS] });
    const created = await By('creating a three-instance cluster', () =>
      createClusterFromFixture(target.conn, namespace, cnpgFixture('cluster-three-instances.yaml')),
    );
    cluster = created.metadata.name;
  });

  It('fails over to a replica when the primary pod is deleted', async () => {
    const { conn } = target;
    const former = (await primaryPod(conn, namespace, cluster)).metadata!.name!;
    await By(`deleting the primary pod ${former}`, () =>
      conn.core.deleteNamespacedPod({ namespace, name: former, gracePeriodSeconds: 1 }),
    );
    const next = await By('waiting for another instance to become primary', () =>
      eventuallyCluster(conn, namespace, cluster, { timeout: 'failover' }).toHavePrimaryOtherThan(former),
    );
    await By('waiting for the cluster to be ready again, the deleted pod recreated', () =>
      eventuallyCluster(conn, namespace, cluster, { timeout: 'clusterIsReady' }).toBeReady(),
    );
    expect((await primaryPod(conn, namespace, cluster)).metadata?.name).to.equal(next);
    expect((await instancePods(conn, namespace, cluster)).map((p) => p.metadata?.name)).to.include(former);
  });

  It('switches over to a promoted replica, and the former primary becomes a replica', async () => {
    const { conn } = target;
    const former = (await primaryPod(conn, namespace, cluster)).metadata!.name!;
    const chosen = (await replicaPods(conn, namespace, cluster))[0]!.metadata!.name!;
    await By(`promoting ${chosen}`, () => promote(conn, namespace, cluster, chosen));
    await By(`waiting for ${chosen} to be the primary`, () =>
      eventuallyCluster(conn, namespace, cluster, { timeout: 'newPrimaryAfterSwitchover' }).toHavePrimary(
        chosen,
      ),
    );
    await By('waiting for the cluster to be ready again', () =>
      eventuallyCluster(conn, namespace, cluster, { timeout: 'clusterIsReady' }).toBeReady(),
    );
    const replicas = (await replicaPods(conn, namespace, cluster)).map((p) => p.metadata?.name);
    expect(replicas).to.include(former);
    expect(replicas).to.not.include(chosen);
  });
});
