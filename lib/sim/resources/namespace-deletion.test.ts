import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

describe('namespace deletion', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;

  beforeEach(async () => {
    cluster = await startCluster({ seed: 7 });
    call = restClient(cluster);
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
  });
  afterEach(() => cluster.stop());

  it('marks a deleted namespace Terminating and keeps it while spec.finalizers remain', async () => {
    const answer = await call('DELETE', '/api/v1/namespaces/team-a');
    expect(answer.code).to.equal(200);
    expect(answer.body.status.phase).to.equal('Terminating');
    expect(answer.body.metadata.deletionTimestamp).to.be.a('string');
    const read = await call('GET', '/api/v1/namespaces/team-a');
    expect(read.body.status.phase).to.equal('Terminating');
    expect(read.body.spec.finalizers).to.deep.equal(['kubernetes']);
  });

  it('refuses new objects in a terminating namespace with the real 403', async () => {
    await call('DELETE', '/api/v1/namespaces/team-a');
    const answer = await call('POST', '/api/v1/namespaces/team-a/configmaps', { metadata: { name: 'c' } });
    expect(answer.code).to.equal(403);
    expect(answer.body.message).to.equal(
      'configmaps "c" is forbidden: unable to create new content in namespace team-a because it is being terminated',
    );
  });

  it('removes the namespace once PUT finalize clears spec.finalizers', async () => {
    await call('DELETE', '/api/v1/namespaces/team-a');
    const ns = (await call('GET', '/api/v1/namespaces/team-a')).body;
    ns.spec.finalizers = [];
    const answer = await call('PUT', '/api/v1/namespaces/team-a/finalize', ns);
    expect(answer.code).to.equal(200);
    expect((await call('GET', '/api/v1/namespaces/team-a')).code).to.equal(404);
  });

  it('keeps an active namespace when finalize is called before deletion', async () => {
    const ns = (await call('GET', '/api/v1/namespaces/team-a')).body;
    ns.spec.finalizers = [];
    await call('PUT', '/api/v1/namespaces/team-a/finalize', ns);
    const read = await call('GET', '/api/v1/namespaces/team-a');
    expect(read.code).to.equal(200);
    expect(read.body.status.phase).to.equal('Active');
  });

  it('refuses to delete the default namespace', async () => {
    const answer = await call('DELETE', '/api/v1/namespaces/default');
    expect(answer.code).to.equal(403);
    expect(answer.body.message).to.equal(
      'namespaces "default" is forbidden: this namespace may not be deleted',
    );
  });
});
