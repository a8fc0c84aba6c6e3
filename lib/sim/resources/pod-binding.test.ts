import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

describe('pods/binding', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;
  const pod = (name: string) => ({
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  const bind = (name: string, node: string) =>
    call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, annotations: { 'scheduler.example/score': '7' } },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    });

  before(async () => {
    cluster = await startCluster({ seed: 3 });
    call = restClient(cluster);
  });
  after(() => cluster.stop());

  it('binds a pod to a node and answers a Success Status with code 201', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', pod('web-0'));
    const answer = await bind('web-0', 'worker-1');
    expect(answer.code).to.equal(201);
    expect(answer.body).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    const read = await call('GET', '/api/v1/namespaces/default/pods/web-0');
    expect(read.body.spec.nodeName).to.equal('worker-1');
    expect(read.body.metadata.annotations).to.include({ 'scheduler.example/score': '7' });
    expect(read.body.status.conditions).to.deep.include.members([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: read.body.status.conditions[0].lastTransitionTime,
      },
    ]);
  });

  it('refuses to bind an already bound pod with the real 409 Conflict', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', pod('web-1'));
    await bind('web-1', 'worker-1');
    const answer = await bind('web-1', 'worker-2');
    expect(answer.code).to.equal(409);
    expect(answer.body.reason).to.equal('Conflict');
    expect(answer.body.message).to.equal(
      'Operation cannot be fulfilled on pods/binding "web-1": pod web-1 is already assigned to node "worker-1"',
    );
  });

  it('answers 404 for a pod that does not exist', async () => {
    const answer = await bind('ghost', 'worker-1');
    expect(answer.code).to.equal(404);
    expect(answer.body.message).to.equal('pods "ghost" not found');
  });

  it('refuses a Binding without a target node as 422 Invalid', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', pod('web-2'));
    const answer = await call('POST', '/api/v1/namespaces/default/pods/web-2/binding', {
      kind: 'Binding',
      metadata: { name: 'web-2' },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal('Binding "web-2" is invalid: target.name: Required value');
  });
});
