import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3 with its DefaultStorageClass admission plugin (differential kinds/pvc-defaults):
// a claim that names no class gets the default one.
describe('PersistentVolumeClaims get the default StorageClass', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const claims = '/api/v1/namespaces/default/persistentvolumeclaims';
  const claim = (name: string, extra: Record<string, unknown> = {}) => ({
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
  });

  before(async () => {
    cluster = await startCluster({ seed: 47 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('leaves the class unset while no class is the default', async () => {
    const answer = await rest('POST', claims, claim('before'));
    expect(answer.body.spec).to.not.have.property('storageClassName');
  });

  it('names the default class in a claim that names none, and keeps an explicit "" or name', async () => {
    await rest('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/none',
    });
    expect((await rest('POST', claims, claim('data'))).body.spec.storageClassName).to.equal('standard');
    expect(
      (await rest('POST', claims, claim('static', { storageClassName: '' }))).body.spec.storageClassName,
    ).to.equal('');
  });
});
