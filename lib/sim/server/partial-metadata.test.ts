import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { authHeader } from '../testing/rest.ts';

// kube-apiserver v1.36.3 (differential lists/partial-object-metadata-list): what client-go's metadata
// client asks for gets metadata only.
describe('metadata-only answers (PartialObjectMetadata)', () => {
  let cluster: Cluster;
  const cms = '/api/v1/namespaces/default/configmaps';
  const accept = (as: string) => `application/json;as=${as};v=v1;g=meta.k8s.io,application/json`;
  const get = (path: string, as: string) =>
    fetch(`${cluster.url}${path}`, { headers: { ...authHeader(cluster), accept: accept(as) } });

  before(async () => {
    cluster = await startCluster({ seed: 53 });
    await fetch(`${cluster.url}${cms}`, {
      method: 'POST',
      headers: { ...authHeader(cluster), 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'alpha', labels: { app: 'a' } }, data: { secret: 'x' } }),
    });
  });

  after(() => cluster.stop());

  it('answers a list asked as PartialObjectMetadataList with metadata only', async () => {
    const res = await get(cms, 'PartialObjectMetadataList');
    expect(res.headers.get('content-type')).to.equal(
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    );
    // biome-ignore lint/suspicious/noExplicitAny: a list read field by field
    const list: any = await res.json();
    expect(list).to.deep.include({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const alpha = list.items.find((i: any) => i.metadata.name === 'alpha');
    expect(alpha.kind).to.equal('PartialObjectMetadata');
    expect(alpha.metadata.labels).to.deep.equal({ app: 'a' });
    expect(alpha).to.not.have.property('data');
  });

  it('answers a get asked as PartialObjectMetadata with metadata only', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const one: any = await (await get(`${cms}/alpha`, 'PartialObjectMetadata')).json();
    expect(one).to.deep.include({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(one).to.not.have.property('data');
  });

  it('streams metadata-only objects to a watch that asks for them', async () => {
    const res = await get(`${cms}?watch=1&timeoutSeconds=1`, 'PartialObjectMetadata');
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> })
      .filter((e) => e.type === 'ADDED');
    expect(events.length).to.be.greaterThan(0);
    for (const e of events) {
      expect(e.object.kind).to.equal('PartialObjectMetadata');
      expect(e.object).to.not.have.property('data');
    }
  });
});
