import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential configmaps/invalid-data-key, secrets/tls-secret-needs-keys,
// secrets/secret-type-is-immutable).
describe('ConfigMap and Secret data keys and secret types, checked as kube-apiserver does', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const ns = '/api/v1/namespaces/default';

  before(async () => {
    cluster = await startCluster({ seed: 43 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('refuses a ConfigMap key outside [-._a-zA-Z0-9]', async () => {
    const answer = await rest('POST', `${ns}/configmaps`, {
      metadata: { name: 'cm1' },
      data: { 'bad key!': 'x' },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.details.causes).to.deep.equal([
      {
        reason: 'FieldValueInvalid',
        message:
          "Invalid value: \"bad key!\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        field: 'data[bad key!]',
      },
    ]);
  });

  it('refuses a TLS secret without its two keys', async () => {
    const answer = await rest('POST', `${ns}/secrets`, {
      metadata: { name: 's1' },
      type: 'kubernetes.io/tls',
      data: { a: 'YQ==' },
    });
    expect(answer.code).to.equal(422);
    expect(
      answer.body.details.causes.map((c: { field: string; reason: string }) => `${c.field} ${c.reason}`),
    ).to.deep.equal(['data[tls.crt] FieldValueRequired', 'data[tls.key] FieldValueRequired']);
  });

  it('checks the new type’s keys too when a secret’s type is changed', async () => {
    await rest('POST', `${ns}/secrets`, { metadata: { name: 's2' }, data: { a: 'YQ==' } });
    const answer = await rest(
      'PATCH',
      `${ns}/secrets/s2`,
      { type: 'kubernetes.io/basic-auth' },
      'application/merge-patch+json',
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.details.causes.map((c: { field: string }) => c.field).sort()).to.deep.equal([
      'data[password]',
      'data[username]',
      'type',
    ]);
  });
});
