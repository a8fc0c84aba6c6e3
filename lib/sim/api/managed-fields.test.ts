/**
 * managedFields of writes that are not applies, as kube-apiserver v1.36.3 writes them (each case
 * measured there: bench/differential/corpus/managed-fields.yaml holds the same writes).
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

describe('managedFields of creates, updates and patches', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown, contentType?: string) => Promise<RestAnswer>;
  const core = '/api/v1/namespaces/default';
  const fieldsOf = (answer: RestAnswer, manager: string) =>
    answer.body.metadata.managedFields.find((m: { manager: string }) => m.manager === manager)?.fieldsV1;

  beforeEach(async () => {
    cluster = await startCluster({ seed: 17 });
    call = restClient(cluster);
  });
  afterEach(() => cluster.stop());

  it('marks a map the write adds as owned itself, and not a map that was there', async () => {
    const created = await call('POST', `${core}/configmaps?fieldManager=first`, {
      metadata: { name: 'cm1', labels: { app: 'web' } },
      data: { a: '1' },
    });
    expect(fieldsOf(created, 'first')).to.deep.equal({
      'f:data': { '.': {}, 'f:a': {} },
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    });
    const patched = await call(
      'PATCH',
      `${core}/configmaps/cm1?fieldManager=second`,
      { metadata: { annotations: { note: 'x' } }, data: { b: '2' } },
      'application/merge-patch+json',
    );
    expect(fieldsOf(patched, 'second')).to.deep.equal({
      'f:data': { 'f:b': {} },
      'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } },
    });
  });

  it('does not mark the structs a built-in kind always holds, only pointers, maps and lists it adds', async () => {
    const answer = await call('POST', '/apis/apps/v1/namespaces/default/deployments?fieldManager=writer', {
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx', env: [{ name: 'A', value: '1' }] }] },
        },
      },
    });
    const spec = fieldsOf(answer, 'writer')['f:spec'];
    expect(spec).to.not.have.property('.');
    expect(spec['f:strategy']).to.deep.equal({
      'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
      'f:type': {},
    });
    expect(spec['f:selector']).to.deep.equal({});
    const container = spec['f:template']['f:spec']['f:containers']['k:{"name":"c"}'];
    expect(container['f:env']).to.deep.equal({
      '.': {},
      'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} },
    });
    expect(spec['f:template']['f:spec']['f:containers']).to.not.have.property('.');
  });
});
