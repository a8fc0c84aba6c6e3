import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor } from '../testing/clients.ts';

/** The generic KubernetesObjectApi finds resources through discovery; these are its five verbs. */
describe('KubernetesObjectApi against the embedded cluster', () => {
  let cluster: Cluster;
  let objects: k8s.KubernetesObjectApi;

  before(async () => {
    cluster = await startCluster({ seed: 23 });
    objects = k8s.KubernetesObjectApi.makeApiClient(clientsFor(cluster).kc);
  });

  after(() => cluster.stop());

  const kinds: [string, k8s.KubernetesObject & Record<string, unknown>][] = [
    [
      'a built-in namespaced kind',
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'generic', namespace: 'default' },
        data: { v: '1' },
      },
    ],
    [
      'a cluster-scoped kind of a group',
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'generic' },
        provisioner: 'example.com/none',
      },
    ],
    [
      'the CloudNativePG Cluster custom resource',
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'generic', namespace: 'default' },
        spec: { instances: 1, storage: { size: '1Gi' } },
      },
    ],
  ];

  for (const [what, manifest] of kinds) {
    it(`creates, reads, lists, replaces and deletes ${what}`, async () => {
      const created = await objects.create(manifest);
      expect(created.metadata?.uid).to.match(/^[0-9a-f-]{36}$/);
      const read = await objects.read({
        apiVersion: manifest.apiVersion,
        kind: manifest.kind,
        metadata: { name: manifest.metadata!.name!, namespace: manifest.metadata!.namespace },
      });
      expect(read.metadata?.resourceVersion).to.equal(created.metadata?.resourceVersion);
      const list = await objects.list(manifest.apiVersion!, manifest.kind!, manifest.metadata!.namespace);
      expect(list.items.map((i) => i.metadata?.name)).to.include('generic');
      const labelled = { ...read, metadata: { ...read.metadata, labels: { replaced: 'yes' } } };
      const replaced = await objects.replace(labelled);
      expect(replaced.metadata?.labels).to.deep.equal({ replaced: 'yes' });
      await objects.delete(replaced);
      const gone = await objects
        .read({
          apiVersion: manifest.apiVersion,
          kind: manifest.kind,
          metadata: { name: manifest.metadata!.name!, namespace: manifest.metadata!.namespace },
        })
        .catch((e: { code?: number }) => e.code);
      expect(gone).to.equal(404);
    });
  }
});
