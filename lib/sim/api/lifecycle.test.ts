import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor, refusal } from '../testing/clients.ts';

describe('object lifecycle over HTTP', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let n = 0;
  const fresh = (prefix: string) => `${prefix}-${++n}`;
  const ns = 'default';

  before(async () => {
    cluster = await startCluster({ seed: 13 });
    core = clientsFor(cluster).core;
  });

  after(() => cluster.stop());

  const boundPod = async () => {
    const name = fresh('pod');
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'img:1' }] } },
    });
    return name;
  };

  describe('delete', () => {
    it('marks a pod on a node for graceful deletion with the requested grace period', async () => {
      const name = await boundPod();
      const deleted = await core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 20 });
      expect(deleted.metadata?.deletionGracePeriodSeconds).to.equal(20);
      const read = await core.readNamespacedPod({ name, namespace: ns });
      expect(read.metadata?.deletionTimestamp).to.be.instanceOf(Date);
    });

    it('removes a pod at once with gracePeriodSeconds=0', async () => {
      const name = await boundPod();
      await core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 });
      const { code } = await refusal(core.readNamespacedPod({ name, namespace: ns }));
      expect(code).to.equal(404);
    });

    it('keeps an object deleted with propagationPolicy=Orphan under the orphan finalizer', async () => {
      const name = fresh('cm');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
      await core.deleteNamespacedConfigMap({ name, namespace: ns, propagationPolicy: 'Orphan' });
      const read = await core.readNamespacedConfigMap({ name, namespace: ns });
      expect(read.metadata?.finalizers).to.deep.equal(['orphan']);
      expect(read.metadata?.deletionTimestamp).to.be.instanceOf(Date);
    });

    it('keeps an object deleted with propagationPolicy=Foreground under foregroundDeletion', async () => {
      const name = fresh('cm');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
      await core.deleteNamespacedConfigMap({ name, namespace: ns, propagationPolicy: 'Foreground' });
      const read = await core.readNamespacedConfigMap({ name, namespace: ns });
      expect(read.metadata?.finalizers).to.deep.equal(['foregroundDeletion']);
    });

    it('refuses a delete whose uid precondition does not match with 409', async () => {
      const name = fresh('cm');
      const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
      const { code, status } = await refusal(
        core.deleteNamespacedConfigMap({
          name,
          namespace: ns,
          body: { preconditions: { uid: 'not-the-uid' } },
        }),
      );
      expect(code).to.equal(409);
      expect(status).to.deep.include({
        reason: 'Conflict',
        // kube-apiserver v1.36 (BeforeDelete) names the kind, in the message and in details.kind.
        message: `Operation cannot be fulfilled on ConfigMap "${name}": the UID in the precondition (not-the-uid) does not match the UID in record (${created.metadata?.uid}). The object might have been deleted and then recreated`,
        details: { name, kind: 'ConfigMap' },
      });
      await core.readNamespacedConfigMap({ name, namespace: ns });
    });

    it('deletes with a matching uid precondition', async () => {
      const name = fresh('cm');
      const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name } } });
      const status = await core.deleteNamespacedConfigMap({
        name,
        namespace: ns,
        body: { preconditions: { uid: created.metadata!.uid! } },
      });
      expect(status).to.deep.include({ status: 'Success' });
      expect((await refusal(core.readNamespacedConfigMap({ name, namespace: ns }))).code).to.equal(404);
    });

    it('deletes the selected objects of a collection and leaves the rest', async () => {
      await core.createNamespace({ body: { metadata: { name: 'dc' } } });
      for (const [name, team] of [
        ['a', 'x'],
        ['b', 'x'],
        ['c', 'y'],
      ]) {
        await core.createNamespacedConfigMap({
          namespace: 'dc',
          body: { metadata: { name, labels: { team } } },
        });
      }
      await core.deleteCollectionNamespacedConfigMap({ namespace: 'dc', labelSelector: 'team=x' });
      const left = await core.listNamespacedConfigMap({ namespace: 'dc' });
      expect(left.items.map((i) => i.metadata?.name)).to.deep.equal(['c']);
    });
  });

  describe('finalizers', () => {
    it('marks an object with finalizers instead of removing it', async () => {
      const name = fresh('cm');
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name, finalizers: ['example.com/hold'] } },
      });
      await core.deleteNamespacedConfigMap({ name, namespace: ns });
      const read = await core.readNamespacedConfigMap({ name, namespace: ns });
      expect(read.metadata?.deletionTimestamp).to.be.instanceOf(Date);
      expect(read.metadata?.finalizers).to.deep.equal(['example.com/hold']);
    });

    it('removes a marked object once its last finalizer is cleared', async () => {
      const name = fresh('cm');
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name, finalizers: ['example.com/hold'] } },
      });
      await core.deleteNamespacedConfigMap({ name, namespace: ns });
      await core.patchNamespacedConfigMap({
        name,
        namespace: ns,
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      });
      expect((await refusal(core.readNamespacedConfigMap({ name, namespace: ns }))).code).to.equal(404);
    });

    it('refuses new finalizers on an object being deleted with 422', async () => {
      const name = fresh('cm');
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name, finalizers: ['example.com/hold'] } },
      });
      await core.deleteNamespacedConfigMap({ name, namespace: ns });
      const { code, status } = await refusal(
        core.patchNamespacedConfigMap({
          name,
          namespace: ns,
          body: [{ op: 'add', path: '/metadata/finalizers/-', value: 'example.com/more' }],
        }),
      );
      expect(code).to.equal(422);
      // kube-apiserver v1.36.3's words (Go's %#v of the list), reported twice in the causes.
      expect(status.message).to.equal(
        `ConfigMap "${name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}`,
      );
      expect((status.details as { causes: unknown[] }).causes).to.have.length(2);
    });
  });

  describe('generation and resourceVersion', () => {
    it('bumps generation when the spec changes', async () => {
      const name = await boundPod();
      const out = await core.patchNamespacedPod({
        name,
        namespace: ns,
        body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'img:2' }],
      });
      expect(out.metadata?.generation).to.equal(2);
    });

    it('keeps generation when only labels or status change', async () => {
      const name = await boundPod();
      await core.patchNamespacedPod({
        name,
        namespace: ns,
        body: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }],
      });
      const out = await core.patchNamespacedPodStatus({
        name,
        namespace: ns,
        body: [{ op: 'replace', path: '/status/phase', value: 'Running' }],
      });
      expect(out.status?.phase).to.equal('Running');
      expect(out.metadata?.generation).to.equal(1);
    });

    it('keeps generation when a patch only reorders the spec keys', async () => {
      const name = await boundPod();
      const pod = await core.readNamespacedPod({ name, namespace: ns });
      const reordered = Object.fromEntries(Object.entries(pod.spec!).reverse());
      const out = await core.replaceNamespacedPod({
        name,
        namespace: ns,
        body: { ...pod, spec: reordered as k8s.V1PodSpec },
      });
      expect(out.metadata?.generation).to.equal(1);
    });

    it('refuses an update carrying a stale resourceVersion with 409 Conflict', async () => {
      const name = fresh('cm');
      const created = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name }, data: { v: '1' } },
      });
      await core.replaceNamespacedConfigMap({
        name,
        namespace: ns,
        body: { metadata: { name }, data: { v: '2' } },
      });
      const { code, status } = await refusal(
        core.replaceNamespacedConfigMap({ name, namespace: ns, body: { ...created, data: { v: '3' } } }),
      );
      expect(code).to.equal(409);
      expect(status).to.deep.include({
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      });
    });

    it('increases the resourceVersion on every change', async () => {
      const name = fresh('cm');
      const a = await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name }, data: { v: '1' } },
      });
      const b = await core.replaceNamespacedConfigMap({
        name,
        namespace: ns,
        body: { metadata: { name }, data: { v: '2' } },
      });
      expect(Number(b.metadata?.resourceVersion)).to.be.greaterThan(Number(a.metadata?.resourceVersion));
    });
  });
});
