import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential themes patches and namespaces, and kubectl patch or
// curl against a real control plane).
describe('what an update or a patch may not change', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const cms = '/api/v1/namespaces/default/configmaps';
  const merge = 'application/merge-patch+json';

  before(async () => {
    cluster = await startCluster({ seed: 23 });
    rest = restClient(cluster);
    await rest('POST', cms, { metadata: { name: 'cmx' }, data: { a: '1' } });
  });

  after(() => cluster.stop());

  it('refuses a patch that renames the object with 400', async () => {
    const answer = await rest('PATCH', `${cms}/cmx`, { metadata: { name: 'other' } }, merge);
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      'the name of the object (other) does not match the name on the URL (cmx)',
    );
    expect((await rest('GET', `${cms}/other`)).code).to.equal(404);
  });

  it('refuses another uid as immutable, twice as the real server reports it', async () => {
    const uid = '00000000-0000-0000-0000-000000000000';
    const answer = await rest('PATCH', `${cms}/cmx`, { metadata: { uid } }, merge);
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      `ConfigMap "cmx" is invalid: metadata.uid: Invalid value: "${uid}": field is immutable`,
    );
    expect(answer.body.details.causes).to.have.length(2);
  });

  it('refuses a Strict patch that brings an unknown field with the patch’s 422', async () => {
    const merge422 = await rest('PATCH', `${cms}/cmx?fieldValidation=Strict`, { dataa: { x: '1' } }, merge);
    expect(merge422.code).to.equal(422);
    expect(merge422.body.details.causes).to.have.length(1);
    expect(merge422.body.details.causes[0]).to.include({ reason: 'FieldValueInvalid', field: 'patch' });
    expect(merge422.body.message).to.match(
      /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"v1\\",/,
    );
    expect(merge422.body.message).to.match(/: strict decoding error: unknown field "dataa"$/);
    const strategic = await rest(
      'PATCH',
      `${cms}/cmx?fieldValidation=Strict`,
      { dataa: { x: '1' } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.body.message).to.equal(
      ' "" is invalid: patch: Invalid value: "map[dataa:map[x:1]]": strict decoding error: unknown field "dataa"',
    );
  });

  it('reports a bad label or annotation of an update four times, as the real server checks metadata four times', async () => {
    const answer = await rest(
      'PATCH',
      `${cms}/cmx`,
      { metadata: { annotations: { 'bad key/x/y': 'v' } } },
      merge,
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal(
      Array(4).fill('metadata.annotations'),
    );
    const created = await rest('POST', cms, { metadata: { name: 'once', labels: { a: '-bad-' } } });
    expect(created.body.details.causes).to.have.length(1);
  });

  // kube-apiserver v1.36.3 (differential patches/kubectl-label, and curl against a real control plane):
  // an object created with no field set has no managedFields, and updates do not start tracking it.
  it('leaves an object that tracks no fields untracked by later updates', async () => {
    const created = await rest('POST', cms, { metadata: { name: 'bare' } });
    expect(created.body.metadata).to.not.have.property('managedFields');
    const patched = await rest(
      'PATCH',
      `${cms}/bare?fieldManager=kubectl-label`,
      { metadata: { labels: { env: 'prod' } } },
      merge,
    );
    expect(patched.body.metadata.labels).to.deep.equal({ env: 'prod' });
    expect(patched.body.metadata).to.not.have.property('managedFields');
    const tracked = await rest(
      'PATCH',
      `${cms}/cmx?fieldManager=kubectl-label`,
      { metadata: { labels: { env: 'prod' } } },
      merge,
    );
    expect(tracked.body.metadata.managedFields.map((m: { manager: string }) => m.manager)).to.include(
      'kubectl-label',
    );
  });

  it('keeps the uid when an update leaves it out', async () => {
    const read = await rest('GET', `${cms}/cmx`);
    const { uid: _uid, ...metadata } = read.body.metadata;
    const answer = await rest('PUT', `${cms}/cmx`, { ...read.body, metadata, data: { a: '2' } });
    expect(answer.code).to.equal(200);
    expect(answer.body.metadata.uid).to.equal(read.body.metadata.uid);
  });

  it('keeps a namespace’s spec.finalizers on a patch: only …/finalize changes them', async () => {
    await rest('POST', '/api/v1/namespaces', { metadata: { name: 'keep-finalizers' } });
    const answer = await rest(
      'PATCH',
      '/api/v1/namespaces/keep-finalizers',
      { spec: { finalizers: [] } },
      merge,
    );
    expect(answer.code).to.equal(200);
    expect(answer.body.spec.finalizers).to.deep.equal(['kubernetes']);
    const finalized = await rest('PUT', '/api/v1/namespaces/keep-finalizers/finalize', {
      metadata: { name: 'keep-finalizers' },
      spec: { finalizers: [] },
    });
    expect(finalized.code).to.equal(200);
    expect(finalized.body.spec.finalizers).to.deep.equal([]);
  });
});
