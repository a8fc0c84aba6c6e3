import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor, refusal } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';

const withContentType = (type: string) => k8s.setHeaderOptions('Content-Type', type);

describe('PATCH over HTTP with @kubernetes/client-node', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let objects: k8s.KubernetesObjectApi;
  let n = 0;
  const fresh = (prefix: string) => `${prefix}-${++n}`;

  before(async () => {
    cluster = await startCluster({ seed: 7 });
    const clients = clientsFor(cluster);
    core = clients.core;
    apps = clients.apps;
    objects = k8s.KubernetesObjectApi.makeApiClient(clients.kc);
    cluster.api.registry.add({
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      singular: 'widget',
      namespaced: true,
      custom: true,
    });
  });

  after(() => cluster.stop());

  async function configMap(data: Record<string, string>, extra: Partial<k8s.V1ObjectMeta> = {}) {
    const name = fresh('cm');
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name, ...extra }, data },
    });
    return name;
  }

  /** A DaemonSet's pod template: its containers may change, unlike a pod's (ValidatePodUpdate). */
  async function templateWithTwoContainers() {
    const name = fresh('ds');
    await apps.createNamespacedDaemonSet({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                { name: 'app', image: 'app:1' },
                { name: 'sidecar', image: 'sidecar:1' },
              ],
            },
          },
        },
      },
    });
    return name;
  }
  const containersOf = (ds: k8s.V1DaemonSet) =>
    (ds.spec?.template.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`);

  async function podWithTwoContainers() {
    const name = fresh('pod');
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          containers: [
            { name: 'app', image: 'app:1' },
            { name: 'sidecar', image: 'sidecar:1' },
          ],
        },
      },
    });
    return name;
  }

  describe('json-patch (the generated APIs default)', () => {
    it('applies add, replace and remove operations', async () => {
      const name = await configMap({ a: '1', b: '2' });
      const out = await core.patchNamespacedConfigMap({
        name,
        namespace: 'default',
        body: [
          { op: 'add', path: '/data/c', value: '3' },
          { op: 'replace', path: '/data/a', value: 'one' },
          { op: 'remove', path: '/data/b' },
        ],
      });
      expect(out.data).to.deep.equal({ a: 'one', c: '3' });
    });

    it('answers a failing test operation with 422 and leaves the object unchanged', async () => {
      const name = await configMap({ a: '1' });
      const { code, status } = await refusal(
        core.patchNamespacedConfigMap({
          name,
          namespace: 'default',
          body: [
            { op: 'test', path: '/data/a', value: '2' },
            { op: 'replace', path: '/data/a', value: '3' },
          ],
        }),
      );
      expect(code).to.equal(422);
      expect(status).to.deep.include({
        reason: 'Invalid',
        message: 'the server rejected our request due to an error in our request',
      });
      // kube-apiserver v1.36 answers this generic 422 with empty details: it does not tell which
      // operation failed (differential patches/json-patch-test-fails).
      expect(status.details).to.deep.equal({});
      const read = await core.readNamespacedConfigMap({ name, namespace: 'default' });
      expect(read.data).to.deep.equal({ a: '1' });
    });
  });

  describe('merge-patch', () => {
    it('deletes keys set to null', async () => {
      const name = await configMap({ a: '1', b: '2' });
      const out = await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { data: { a: null, c: '3' } } },
        withContentType(k8s.PatchStrategy.MergePatch),
      );
      expect(out.data).to.deep.equal({ b: '2', c: '3' });
    });

    it('replaces lists wholesale', async () => {
      const name = await templateWithTwoContainers();
      const out = await apps.patchNamespacedDaemonSet(
        {
          name,
          namespace: 'default',
          body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
        },
        withContentType(k8s.PatchStrategy.MergePatch),
      );
      expect(containersOf(out)).to.deep.equal(['app=app:2']);
    });
  });

  describe('strategic merge patch', () => {
    it('merges containers by name', async () => {
      const name = await templateWithTwoContainers();
      const out = (await objects.patch({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name, namespace: 'default' },
        spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'sidecar:2' }] } } },
      } as k8s.KubernetesObject)) as k8s.V1DaemonSet;
      expect(containersOf(out)).to.deep.equal(['app=app:1', 'sidecar=sidecar:2']);
    });

    it('merges Service ports by port (container ports merge by containerPort)', async () => {
      const name = fresh('svc');
      await core.createNamespacedService({
        namespace: 'default',
        body: { metadata: { name }, spec: { ports: [{ name: 'http', port: 80 }] } },
      });
      const out = await core.patchNamespacedService(
        { name, namespace: 'default', body: { spec: { ports: [{ name: 'https', port: 443 }] } } },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(out.spec?.ports?.map((p) => `${p.name}:${p.port}`)).to.have.members(['http:80', 'https:443']);
    });

    // kube-apiserver v1.36.3 (strategicpatch normalizeElementOrder, differential
    // patches/strategic-patch-finalizers-merge): without $setElementOrder, an item new to the server
    // goes before the server-only items.
    it('puts a merged-in finalizer before the ones already there, as the real patcher orders them', async () => {
      const name = await configMap({ a: '1' });
      await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { metadata: { finalizers: ['example.com/a'] } } },
        withContentType(k8s.PatchStrategy.MergePatch),
      );
      const out = await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { metadata: { finalizers: ['example.com/b'] } } },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(out.metadata?.finalizers).to.deep.equal(['example.com/b', 'example.com/a']);
      await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { metadata: { finalizers: null } } },
        withContentType(k8s.PatchStrategy.MergePatch),
      );
    });

    it('puts a container new to the server before the ones the patch leaves out', async () => {
      const name = await templateWithTwoContainers();
      const out = await apps.patchNamespacedDaemonSet(
        {
          name,
          namespace: 'default',
          body: { spec: { template: { spec: { containers: [{ name: 'third', image: 'third:1' }] } } } },
        },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(containersOf(out)).to.deep.equal(['third=third:1', 'app=app:1', 'sidecar=sidecar:1']);
    });

    it('removes a list item marked $patch: delete', async () => {
      const name = await templateWithTwoContainers();
      const out = await apps.patchNamespacedDaemonSet(
        {
          name,
          namespace: 'default',
          body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
        },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(containersOf(out)).to.deep.equal(['app=app:1']);
    });

    it('orders a merged list as $setElementOrder says', async () => {
      const name = await templateWithTwoContainers();
      const out = await apps.patchNamespacedDaemonSet(
        {
          name,
          namespace: 'default',
          body: {
            spec: {
              template: {
                spec: {
                  '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
                  containers: [{ name: 'app', image: 'app:3' }],
                },
              },
            },
          },
        },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(containersOf(out)).to.deep.equal(['sidecar=sidecar:1', 'app=app:3']);
    });

    it('keeps only the keys listed in $retainKeys', async () => {
      const name = await configMap({ a: '1', b: '2', c: '3' });
      const out = await core.patchNamespacedConfigMap(
        { name, namespace: 'default', body: { data: { $retainKeys: ['a', 'd'], d: '4' } } },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      expect(out.data).to.deep.equal({ a: '1', d: '4' });
    });

    it('removes values named in $deleteFromPrimitiveList and unions merged primitive lists', async () => {
      const name = await configMap({}, { finalizers: ['example.com/a', 'example.com/b'] });
      const out = await core.patchNamespacedConfigMap(
        {
          name,
          namespace: 'default',
          body: {
            metadata: {
              '$deleteFromPrimitiveList/finalizers': ['example.com/a'],
              finalizers: ['example.com/c'],
            },
          },
        },
        withContentType(k8s.PatchStrategy.StrategicMergePatch),
      );
      // kube-apiserver v1.36.3 answers ['example.com/c', 'example.com/b'] (checked with curl): the new
      // value goes before the server-only one.
      expect(out.metadata?.finalizers).to.deep.equal(['example.com/c', 'example.com/b']);
    });

    it('cordons and uncordons a node with the bodies kubectl sends', async () => {
      await core.createNode({ body: { metadata: { name: 'worker-a' } } });
      const cordon = withContentType(k8s.PatchStrategy.StrategicMergePatch);
      const cordoned = await core.patchNode(
        { name: 'worker-a', body: { spec: { unschedulable: true } } },
        cordon,
      );
      expect(cordoned.spec?.unschedulable).to.equal(true);
      const uncordoned = await core.patchNode(
        { name: 'worker-a', body: { spec: { unschedulable: null } } },
        cordon,
      );
      expect(uncordoned.spec?.unschedulable).to.equal(undefined);
    });
  });

  describe('subresources', () => {
    it('patches the scale subresource the way kubectl scale does', async () => {
      await objects.create({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'pg-scale', namespace: 'default' },
        spec: { instances: 3, storage: { size: '1Gi' } },
      } as k8s.KubernetesObject);
      const res = await fetch(
        `${cluster.url}/apis/postgresql.cnpg.io/v1/namespaces/default/clusters/pg-scale/scale`,
        {
          method: 'PATCH',
          headers: { ...authHeader(cluster), 'Content-Type': k8s.PatchStrategy.MergePatch },
          body: JSON.stringify({ spec: { replicas: 2 } }),
        },
      );
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.include({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 2 },
      });
      const pg = (await objects.read({
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'pg-scale', namespace: 'default' },
      })) as k8s.KubernetesObject & { spec: { instances: number } };
      expect(pg.spec.instances).to.equal(2);
    });
  });

  describe('server-side apply', () => {
    const apply = (manifest: k8s.KubernetesObject, manager: string, force?: boolean) =>
      objects.patch(manifest, undefined, undefined, manager, force, k8s.PatchStrategy.ServerSideApply);
    const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
      data,
    });
    /** A ConfigMap as `kubectl apply` (client-side) leaves it: a: 1, with its last-applied annotation. */
    const createClientSideApplied = (name: string) =>
      core.createNamespacedConfigMap({
        namespace: 'default',
        fieldManager: 'kubectl-client-side-apply',
        body: {
          metadata: {
            name,
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(cm(name, { a: '1' })),
            },
          },
          data: { a: '1' },
        },
      });

    it('creates an absent object with 201 and records the manager as its Apply owner', async () => {
      const name = fresh('applied');
      const res = await fetchApply(
        cluster,
        `/api/v1/namespaces/default/configmaps/${name}?fieldManager=alice`,
        {
          ...cm(name, { a: '1' }),
        },
      );
      expect(res.status).to.equal(201);
      const created = (await res.json()) as k8s.V1ConfigMap;
      expect(created.data).to.deep.equal({ a: '1' });
      expect(created.metadata?.managedFields).to.have.length(1);
      expect(created.metadata?.managedFields?.[0]).to.deep.include({
        manager: 'alice',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} } },
      });
    });

    it('updates fields the manager applies again and keeps fields others set', async () => {
      const name = fresh('applied');
      await apply(cm(name, { a: '1' }), 'alice');
      await core.patchNamespacedConfigMap(
        { name, namespace: 'default', fieldManager: 'bob', body: { data: { b: 'bob' } } },
        withContentType(k8s.PatchStrategy.MergePatch),
      );
      const out = (await apply(cm(name, { a: '2' }), 'alice')) as k8s.V1ConfigMap;
      expect(out.data).to.deep.equal({ a: '2', b: 'bob' });
      const managers = out.metadata?.managedFields?.map((m) => `${m.manager}/${m.operation}`);
      expect(managers).to.have.members(['alice/Apply', 'bob/Update']);
    });

    it('removes fields the manager applied before and no longer applies', async () => {
      const name = fresh('applied');
      await apply(cm(name, { a: '1', b: '2' }, { tier: 'web' }), 'alice');
      const out = (await apply(cm(name, { a: '1' }), 'alice')) as k8s.V1ConfigMap;
      expect(out.data).to.deep.equal({ a: '1' });
      expect(out.metadata?.labels).to.equal(undefined);
    });

    it('keeps a dropped field that another manager also owns', async () => {
      const name = fresh('applied');
      await apply(cm(name, { a: '1', b: '2' }), 'alice');
      await apply(cm(name, { b: '2' }), 'carol');
      const out = (await apply(cm(name, { a: '1' }), 'alice')) as k8s.V1ConfigMap;
      expect(out.data).to.deep.equal({ a: '1', b: '2' });
    });

    it('merges applied containers by name', async () => {
      const name = await templateWithTwoContainers();
      const out = (await apply(
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name, namespace: 'default' },
          spec: { template: { spec: { containers: [{ name: 'app', image: 'app:9' }] } } },
        } as k8s.KubernetesObject,
        'deployer',
        true,
      )) as k8s.V1DaemonSet;
      expect(containersOf(out)).to.deep.equal(['app=app:9', 'sidecar=sidecar:1']);
    });

    it('merges the Service ports of two managers by port and protocol, each owning its own item', async () => {
      const name = fresh('svc');
      const service = (ports: k8s.V1ServicePort[], selector?: Record<string, string>) =>
        ({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: 'default' },
          spec: { ...(selector ? { selector } : {}), ports },
        }) as k8s.KubernetesObject;
      await apply(service([{ name: 'http', port: 80 }], { app: 'web' }), 'alice');
      const out = (await apply(service([{ name: 'https', port: 443 }]), 'bob')) as k8s.V1Service;
      expect(out.spec?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`)).to.deep.equal([
        'http:80/TCP',
        'https:443/TCP',
      ]);
      const bob = out.metadata?.managedFields?.find((m) => m.manager === 'bob');
      expect(bob?.fieldsV1).to.deep.equal({
        'f:spec': {
          'f:ports': { 'k:{"port":443,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        },
      });
    });

    it('owns an atomic map whole: a forced apply of a Service selector replaces it', async () => {
      const name = fresh('svc');
      const service = (selector: Record<string, string>) =>
        ({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: 'default' },
          spec: { selector, ports: [{ port: 80 }] },
        }) as k8s.KubernetesObject;
      const first = (await apply(service({ app: 'web', tier: 'a' }), 'alice')) as k8s.V1Service;
      const alice = first.metadata?.managedFields?.find((m) => m.manager === 'alice');
      expect(alice, 'alice owns fields').to.not.equal(undefined);
      expect(
        (alice!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:selector'],
      ).to.deep.equal({});
      const out = (await apply(service({ app: 'api' }), 'bob', true)) as k8s.V1Service;
      // Field by field, tier would have stayed with alice; the selector is ServiceSpec's atomic map.
      expect(out.spec?.selector).to.deep.equal({ app: 'api' });
      expect(out.metadata?.managedFields?.map((m) => m.manager)).to.have.members(['alice', 'bob']);
    });

    it('refuses to change a field another manager owns with the real 409 Conflict', async () => {
      const name = fresh('applied');
      await apply(cm(name, { a: '1' }), 'alice');
      const { code, status } = await refusal(apply(cm(name, { a: '2' }), 'bob'));
      expect(code).to.equal(409);
      expect(status).to.deep.include({
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "alice": .data.a',
      });
      expect(status.details).to.deep.equal({
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }],
      });
    });

    it('names an Update owner with its apiVersion in a conflict', async () => {
      const name = await configMap({ a: '1' });
      const { status } = await refusal(apply(cm(name, { a: '2' }), 'bob'));
      expect(status.message).to.match(
        /^Apply failed with 1 conflict: conflict with "[^"]+" using v1: \.data\.a$/,
      );
    });

    it('lets the kubectl manager take over what a client-side kubectl apply set, updating its annotation', async () => {
      const name = fresh('csa');
      await createClientSideApplied(name);
      const out = (await apply(cm(name, { a: '2' }), 'kubectl')) as k8s.V1ConfigMap;
      expect(out.data).to.deep.equal({ a: '2' });
      const annotation = out.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
      expect(JSON.parse(annotation!)).to.deep.equal(cm(name, { a: '2' }));
    });

    it('still refuses another manager over fields a client-side kubectl apply set', async () => {
      const name = fresh('csa');
      await createClientSideApplied(name);
      const { code, status } = await refusal(apply(cm(name, { a: '2' }), 'deployer'));
      expect(code).to.equal(409);
      expect(status.message).to.equal(
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a',
      );
    });

    it('takes the field over with force=true', async () => {
      const name = fresh('applied');
      await apply(cm(name, { a: '1', b: '1' }), 'alice');
      const out = (await apply(cm(name, { a: '2' }), 'bob', true)) as k8s.V1ConfigMap;
      expect(out.data).to.deep.equal({ a: '2', b: '1' });
      const alice = out.metadata?.managedFields?.find((m) => m.manager === 'alice');
      expect(alice?.fieldsV1).to.deep.equal({ 'f:data': { 'f:b': {} } });
    });

    it('does not change the resourceVersion when the same configuration is applied again', async () => {
      const name = fresh('applied');
      const first = (await apply(cm(name, { a: '1' }), 'alice')) as k8s.V1ConfigMap;
      const again = (await apply(cm(name, { a: '1' }), 'alice')) as k8s.V1ConfigMap;
      expect(again.metadata?.resourceVersion).to.equal(first.metadata?.resourceVersion);
    });

    it('applies to the status subresource under its own entry', async () => {
      const name = await podWithTwoContainers();
      const res = await fetchApply(
        cluster,
        `/api/v1/namespaces/default/pods/${name}/status?fieldManager=kubelet-sim`,
        { apiVersion: 'v1', kind: 'Pod', metadata: { name }, status: { phase: 'Running' } },
      );
      expect(res.status).to.equal(200);
      const pod = (await res.json()) as k8s.V1Pod;
      expect(pod.status?.phase).to.equal('Running');
      expect(pod.metadata?.managedFields?.find((m) => m.manager === 'kubelet-sim')).to.deep.include({
        operation: 'Apply',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:phase': {} } },
      });
    });

    it('requires a fieldManager with the real 422', async () => {
      const name = fresh('applied');
      const res = await fetchApply(cluster, `/api/v1/namespaces/default/configmaps/${name}`, cm(name, {}));
      expect(res.status).to.equal(422);
      expect(await res.json()).to.deep.include({
        reason: 'Invalid',
        message:
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      });
    });

    it('accepts a YAML body', async () => {
      const name = fresh('applied');
      const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  greeting: hello\n`;
      const res = await fetch(
        `${cluster.url}/api/v1/namespaces/default/configmaps/${name}?fieldManager=yaml`,
        {
          method: 'PATCH',
          headers: { ...authHeader(cluster), 'Content-Type': 'application/apply-patch+yaml' },
          body: yaml,
        },
      );
      expect(res.status).to.equal(201);
      expect(((await res.json()) as k8s.V1ConfigMap).data).to.deep.equal({ greeting: 'hello' });
    });

    it('stores nothing for a dry run', async () => {
      const name = fresh('applied');
      const res = await fetchApply(
        cluster,
        `/api/v1/namespaces/default/configmaps/${name}?fieldManager=alice&dryRun=All`,
        cm(name, { a: '1' }),
      );
      expect(res.status).to.equal(201);
      const { code } = await refusal(core.readNamespacedConfigMap({ name, namespace: 'default' }));
      expect(code).to.equal(404);
    });

    it('answers a status apply to an absent object with 404', async () => {
      const res = await fetchApply(cluster, '/api/v1/namespaces/default/pods/absent/status?fieldManager=k', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'absent' },
        status: { phase: 'Running' },
      });
      expect(res.status).to.equal(404);
      expect(await res.json()).to.deep.include({ reason: 'NotFound', message: 'pods "absent" not found' });
    });

    it('refuses a configuration naming another object with 400', async () => {
      const res = await fetchApply(
        cluster,
        '/api/v1/namespaces/default/configmaps/one?fieldManager=alice',
        cm('other', { a: '1' }),
      );
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.equal(
        'the name of the object (other) does not match the name on the URL (one)',
      );
    });

    it('refuses a configuration carrying managedFields with 400', async () => {
      const name = fresh('applied');
      const body = cm(name, {});
      const res = await fetchApply(
        cluster,
        `/api/v1/namespaces/default/configmaps/${name}?fieldManager=alice`,
        {
          ...body,
          metadata: { ...body.metadata, managedFields: [{ manager: 'x' }] },
        },
      );
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.equal(
        'metadata.managedFields must be nil',
      );
    });

    it('refuses an apiVersion that does not match the resource with 400', async () => {
      const name = fresh('applied');
      const res = await fetchApply(cluster, `/api/v1/namespaces/default/configmaps/${name}?fieldManager=x`, {
        ...cm(name, {}),
        apiVersion: 'apps/v1',
      });
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.equal(
        'Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: v1',
      );
    });
  });

  describe('refusals', () => {
    it('answers force on a non-apply patch with 422', async () => {
      const name = await configMap({ a: '1' });
      const { code, status } = await refusal(
        core.patchNamespacedConfigMap(
          { name, namespace: 'default', force: true, body: { data: { a: '2' } } },
          withContentType(k8s.PatchStrategy.MergePatch),
        ),
      );
      expect(code).to.equal(422);
      expect(status.message).to.equal(
        'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
      );
    });

    it('answers a strategic merge patch on a custom kind with 415', async () => {
      await objects.create({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'default' },
      });
      const { code, status } = await refusal(
        objects.patch({
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: 'default' },
        }),
      );
      expect(code).to.equal(415);
      expect(status).to.deep.include({
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      });
    });

    it('answers an unknown patch content type with 415', async () => {
      const name = await configMap({ a: '1' });
      const res = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/${name}`, {
        method: 'PATCH',
        headers: { ...authHeader(cluster), 'Content-Type': 'text/plain' },
        body: 'data: {}',
      });
      expect(res.status).to.equal(415);
      // kube-apiserver v1.36 sends empty details with it (differential patches/patch-unsupported-media-type).
      expect(await res.json()).to.deep.include({
        details: {},
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      });
    });
  });
});

function fetchApply(cluster: Cluster, path: string, body: unknown): Promise<Response> {
  return fetch(`${cluster.url}${path}`, {
    method: 'PATCH',
    headers: { ...authHeader(cluster), 'Content-Type': 'application/apply-patch+yaml' },
    body: JSON.stringify(body),
  });
}
