import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { authHeader, type RestAnswer, restClient } from '../testing/rest.ts';

describe('built-in kinds', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;
  const ns = '/api/v1/namespaces/default';

  beforeEach(async () => {
    cluster = await startCluster({ seed: 13 });
    call = restClient(cluster);
  });
  afterEach(() => cluster.stop());

  it('creates a PVC in phase Pending', async () => {
    const answer = await call('POST', `${ns}/persistentvolumeclaims`, {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.status).to.deep.equal({ phase: 'Pending' });
    expect(answer.body.spec.volumeMode).to.equal('Filesystem');
  });

  it('rejects a PVC without access modes or a storage request, naming both fields', async () => {
    const answer = await call('POST', `${ns}/persistentvolumeclaims`, {
      metadata: { name: 'data' },
      spec: {},
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'PersistentVolumeClaim "data" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]',
    );
  });

  it('rejects a PVC whose storage class name is a template left unsubstituted', async () => {
    const answer = await call('POST', `${ns}/persistentvolumeclaims`, {
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the unsubstituted placeholder is the input under test
        storageClassName: '${E2E_DEFAULT_STORAGE_CLASS}',
        resources: { requests: { storage: '1Gi' } },
      },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^PersistentVolumeClaim "data" is invalid: spec\.storageClassName: Invalid value: "\$\{E2E_DEFAULT_STORAGE_CLASS\}": a lowercase RFC 1123 subdomain must consist of/,
    );
  });

  it('rejects a PDB that sets both minAvailable and maxUnavailable', async () => {
    const answer = await call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      metadata: { name: 'pdb' },
      spec: { minAvailable: 1, maxUnavailable: 1, selector: {} },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(/minAvailable and maxUnavailable cannot be both set$/);
  });

  it('bumps a PDB generation on spec changes only', async () => {
    const path = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
    const pdb = (
      await call('POST', path, { metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: {} } })
    ).body;
    pdb.metadata.labels = { a: 'b' };
    const relabelled = (await call('PUT', `${path}/pdb`, pdb)).body;
    expect(relabelled.metadata.generation).to.equal(1);
    relabelled.spec.minAvailable = 2;
    expect((await call('PUT', `${path}/pdb`, relabelled)).body.metadata.generation).to.equal(2);
  });

  it('answers 400 for secret data that is not base64, and folds stringData into data', async () => {
    const bad = await call('POST', `${ns}/secrets`, {
      metadata: { name: 's' },
      data: { password: 'not base64!' },
    });
    expect(bad.code).to.equal(400);
    expect(bad.body.message).to.equal(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
    const good = await call('POST', `${ns}/secrets`, {
      metadata: { name: 's' },
      stringData: { password: 'pw' },
    });
    expect(good.body.data).to.deep.equal({ password: 'cHc=' });
    expect(good.body.type).to.equal('Opaque');
    expect(good.body.stringData).to.equal(undefined);
  });

  it('assigns services a cluster IP in 10.96.0.0/12 that follows the seed', async () => {
    const ip = async (c: Cluster) =>
      (
        await restClient(c)('POST', `${ns}/services`, {
          metadata: { name: 'db' },
          spec: { ports: [{ port: 5432 }] },
        })
      ).body.spec.clusterIP as string;
    const first = await ip(cluster);
    const [a, b] = first.split('.').map(Number);
    expect(a).to.equal(10);
    expect(b).to.be.within(96, 111);
    const twin = await startCluster({ seed: 13 });
    try {
      expect(await ip(twin)).to.equal(first);
    } finally {
      await twin.stop();
    }
  });

  it('refuses to change a storage class provisioner', async () => {
    const path = '/apis/storage.k8s.io/v1/storageclasses';
    const sc = (await call('POST', path, { metadata: { name: 'fast' }, provisioner: 'a.example.com' })).body;
    sc.provisioner = 'b.example.com';
    const answer = await call('PUT', `${path}/fast`, sc);
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'StorageClass.storage.k8s.io "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.',
    );
  });

  it('selects events by involvedObject fields and serves them through events.k8s.io/v1', async () => {
    const event = (name: string, pod: string) => ({
      metadata: { name },
      involvedObject: { kind: 'Pod', namespace: 'default', name: pod },
      reason: 'Scheduled',
      message: `placed ${pod}`,
      type: 'Normal',
    });
    await call('POST', `${ns}/events`, event('e1', 'web-0'));
    await call('POST', `${ns}/events`, event('e2', 'web-1'));
    const core = await call(
      'GET',
      `${ns}/events?fieldSelector=involvedObject.name%3Dweb-1,reason%3DScheduled`,
    );
    expect(core.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).to.deep.equal(['e2']);
    const v1 = await call(
      'GET',
      '/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dweb-0',
    );
    expect(v1.body.items).to.have.length(1);
    expect(v1.body.items[0]).to.include({
      apiVersion: 'events.k8s.io/v1',
      note: 'placed web-0',
      reason: 'Scheduled',
    });
    expect(v1.body.items[0].regarding).to.deep.equal({ kind: 'Pod', namespace: 'default', name: 'web-0' });
    const write = await call('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      metadata: { name: 'x' },
    });
    expect(write.code).to.equal(405);
  });
  it('refuses a service name that does not start with a letter', async () => {
    const answer = await call('POST', `${ns}/services`, {
      metadata: { name: '1db' },
      spec: { ports: [{ port: 5432 }] },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^Service "1db" is invalid: metadata.name: Invalid value: "1db": a DNS-1035 label must/,
    );
  });
  it('streams core events to events.k8s.io/v1 watchers in the events.k8s.io shape', async () => {
    const res = await fetch(
      `${cluster.url}/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=1`,
      { headers: authHeader(cluster) },
    );
    const reader = res.body!.getReader();
    await call('POST', `${ns}/events`, {
      metadata: { name: 'w1' },
      involvedObject: { kind: 'Node', name: 'worker-1' },
      reason: 'NodeNotReady',
      message: 'Node worker-1 status is now: NodeNotReady',
      type: 'Warning',
    });
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const event = JSON.parse(text.split('\n')[0]!);
    expect(event.type).to.equal('ADDED');
    expect(event.object).to.include({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      note: 'Node worker-1 status is now: NodeNotReady',
    });
    expect(event.object.regarding).to.deep.equal({ kind: 'Node', name: 'worker-1' });
  });
});
