import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

describe('pods/eviction', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;
  const ns = '/api/v1/namespaces/default';
  const pdbs = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

  /** A pod bound to a node, Running and Ready, as the kubelet would report it. */
  async function runningPod(name: string, labels: Record<string, string>) {
    await call('POST', `${ns}/pods`, {
      metadata: { name, labels },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    await call('POST', `${ns}/pods/${name}/binding`, {
      kind: 'Binding',
      metadata: { name },
      target: { kind: 'Node', name: 'worker-1' },
    });
    const pod = (await call('GET', `${ns}/pods/${name}`)).body;
    pod.status = { ...pod.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    await call('PUT', `${ns}/pods/${name}/status`, pod);
  }

  /** A PDB whose status the disruption controller would have written. */
  async function budget(name: string, app: string, status: Record<string, unknown>, observedLag = 0) {
    const created = (
      await call('POST', pdbs, {
        metadata: { name },
        spec: { minAvailable: 1, selector: { matchLabels: { app } } },
      })
    ).body;
    created.status = { ...status, observedGeneration: created.metadata.generation - observedLag };
    const answer = await call('PUT', `${pdbs}/${name}/status`, created);
    expect(answer.code).to.equal(200);
  }

  const evict = (name: string) =>
    call('POST', `${ns}/pods/${name}/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: 'default' },
    });

  beforeEach(async () => {
    cluster = await startCluster({ seed: 5 });
    call = restClient(cluster);
  });
  afterEach(() => cluster.stop());

  it('deletes a pod no budget covers gracefully and answers 201 Success', async () => {
    await runningPod('web-0', { app: 'web' });
    const answer = await evict('web-0');
    expect(answer.code).to.equal(201);
    expect(answer.body).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    const pod = (await call('GET', `${ns}/pods/web-0`)).body;
    expect(pod.metadata.deletionTimestamp).to.be.a('string');
    expect(pod.status.conditions).to.deep.include({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
      lastProbeTime: null,
      lastTransitionTime: pod.status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget')
        .lastTransitionTime,
    });
  });

  it('consumes one allowed disruption and records the evicted pod in the budget', async () => {
    await runningPod('db-0', { app: 'db' });
    await budget('db-pdb', 'db', {
      disruptionsAllowed: 1,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 2,
    });
    expect((await evict('db-0')).code).to.equal(201);
    const pdb = (await call('GET', `${pdbs}/db-pdb`)).body;
    expect(pdb.status.disruptionsAllowed).to.equal(0);
    expect(Object.keys(pdb.status.disruptedPods)).to.deep.equal(['db-0']);
    expect((await call('GET', `${ns}/pods/db-0`)).body.metadata.deletionTimestamp).to.be.a('string');
  });

  it('refuses with 429 and the real Status body when the budget allows no disruption', async () => {
    await runningPod('db-0', { app: 'db' });
    await budget('db-pdb', 'db', {
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 2,
    });
    const answer = await evict('db-0');
    expect(answer.code).to.equal(429);
    expect(answer.body).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget db-pdb needs 2 healthy pods and has 2 currently',
          },
        ],
      },
      code: 429,
    });
    expect((await call('GET', `${ns}/pods/db-0`)).body.metadata.deletionTimestamp).to.equal(undefined);
  });

  it('refuses while the budget status lags its generation, asking to retry after 10 seconds', async () => {
    await runningPod('db-0', { app: 'db' });
    await budget(
      'db-pdb',
      'db',
      { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 },
      1,
    );
    const answer = await evict('db-0');
    expect(answer.code).to.equal(429);
    expect(answer.body.details).to.deep.equal({
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget db-pdb is still being processed by the server.',
        },
      ],
      retryAfterSeconds: 10,
    });
  });

  it('evicts a Pending pod without consulting its budget', async () => {
    await call('POST', `${ns}/pods`, {
      metadata: { name: 'db-1', labels: { app: 'db' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await budget('db-pdb', 'db', {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 1,
      expectedPods: 1,
    });
    expect((await evict('db-1')).code).to.equal(201);
    expect((await call('GET', `${ns}/pods/db-1`)).code).to.equal(404);
  });

  it('answers 400 when the Eviction names another pod than the URL', async () => {
    await runningPod('web-0', { app: 'web' });
    const answer = await call('POST', `${ns}/pods/web-0/eviction`, {
      kind: 'Eviction',
      metadata: { name: 'web-9' },
    });
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal('name in URL does not match name in Eviction object');
  });
});
