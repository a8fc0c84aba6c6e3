import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { createClusterFromFixture } from './create.ts';

chai.use(chaiAsPromised);
const { expect } = chai;

// No operator runs here, so these create without waiting for readiness.
describe('createClusterFromFixture', () => {
  let sim: Cluster;
  let conn: Connection;

  before(async () => {
    sim = await startCluster({ seed: 11 });
    conn = await connect({ kubeconfig: sim.kubeconfig });
    await conn.core.createNamespace({ body: { metadata: { name: 'pg' } } });
    await conn.storage.createStorageClass({
      body: {
        metadata: {
          name: 'standard',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
  });
  after(async () => {
    conn.close();
    await sim.stop();
  });

  it('fills E2E_DEFAULT_STORAGE_CLASS with the default class detected from the cluster', async () => {
    const fixture = new URL('../../fixtures/cnpg/cluster-single-instance-pdb-disabled.yaml', import.meta.url)
      .pathname;
    const cluster = await createClusterFromFixture(conn, 'pg', fixture, { noWait: true });
    expect(cluster.metadata.name).to.equal('cluster-single-instance-pdb');
    expect(cluster.spec.enablePDB).to.equal(false);
    expect((cluster.spec.storage as { storageClass?: string }).storageClass).to.equal('standard');
  });

  it('refuses a fixture without a Cluster, naming the fixture', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-config\n';
    await expect(createClusterFromFixture(conn, 'pg', text)).to.be.rejectedWith(
      'createClusterFromFixture: the fixture text must hold exactly one postgresql.cnpg.io/v1 Cluster, found 0',
    );
  });

  it('says which variable it could not fill when the cluster has no default class', async () => {
    const fixture = new URL('../../fixtures/cnpg/cluster-three-instances.yaml', import.meta.url).pathname;
    const bare = await startCluster({ seed: 12 });
    const bareConn = await connect({ kubeconfig: bare.kubeconfig });
    try {
      await expect(createClusterFromFixture(bareConn, 'default', fixture)).to.be.rejectedWith(
        /^createClusterFromFixture: the fixture uses \$\{E2E_DEFAULT_STORAGE_CLASS\} and the cluster's default class cannot be detected \(detectStorage: the cluster has no default StorageClass .*\); set E2E_DEFAULT_STORAGE_CLASS or pass it in \{ variables \}$/,
      );
    } finally {
      bareConn.close();
      await bare.stop();
    }
  });
});
