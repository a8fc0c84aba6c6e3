/**
 * Aggregated discovery (apidiscovery.k8s.io/v2): kubectl 1.35 asks /api and /apis for it first and
 * reads the answer's Content-Type to tell it from the legacy documents
 * (client-go discovery/aggregated_discovery.go); with it, one request per root replaces one per group version.
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { authHeader } from '../testing/rest.ts';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from './discovery.ts';

const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('aggregated discovery', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;
  before(async () => {
    cluster = await startCluster({ seed: 61 });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  const get = (path: string, accept: string) =>
    fetch(`${cluster.url}${path}`, { headers: { ...authHeader(cluster), accept } });

  it('answers /api with the core group and every resource, subresources with their own kinds', async () => {
    const res = await get('/api', KUBECTL_ACCEPT);
    expect(res.headers.get('content-type')).to.equal(AGGREGATED_DISCOVERY_CONTENT_TYPE);
    // biome-ignore lint/suspicious/noExplicitAny: a discovery document read field by field
    const doc: any = await res.json();
    expect(doc).to.deep.include({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(doc.items).to.have.length(1);
    expect(doc.items[0].metadata).to.deep.equal({});
    const v1 = doc.items[0].versions[0];
    expect(v1).to.deep.include({ version: 'v1', freshness: 'Current' });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const pods = v1.resources.find((r: any) => r.resource === 'pods');
    expect(pods).to.deep.include({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
    });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    expect(pods.subresources.find((s: any) => s.subresource === 'eviction')).to.deep.equal({
      subresource: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
  });

  it('answers /apis with every other group, and the legacy documents to clients that do not ask', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a discovery document read field by field
    const doc: any = await (await get('/apis', KUBECTL_ACCEPT)).json();
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const names = doc.items.map((g: any) => g.metadata.name);
    expect(names).to.include.members(['apps', 'policy', 'storage.k8s.io']);
    expect(names).to.not.include('');
    const legacy = await get('/apis', 'application/json');
    expect(legacy.headers.get('content-type')).to.equal('application/json');
    expect(((await legacy.json()) as { kind: string }).kind).to.equal('APIGroupList');
  });

  it('lets kubectl discover every resource from /api and /apis alone', async () => {
    const before = cluster.requestCounts().discovery ?? 0;
    const r = await kubectl.run(['api-resources', '--no-headers']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(r.stdout).to.match(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect((cluster.requestCounts().discovery ?? 0) - before).to.equal(2);
  });

  // kube-apiserver v1.36.3: an unknown group, or a path outside the API, gets the mux's plain 404; an
  // unknown version or resource of a served group gets the NotFound Status (differential
  // discovery/missing-group).
  it('answers a path under an unknown group with the plain 404 page, under a served one with a Status', async () => {
    const unknown = await get('/apis/nonexistent.example.com/v1', 'application/json');
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.match(/^text\/plain/);
    expect(await unknown.text()).to.equal('404 page not found\n');
    expect(await (await get('/foo', 'application/json')).text()).to.equal('404 page not found\n');
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const root: any = await (await get('/', 'application/json')).json();
    expect(root.paths).to.include.members([
      '/api',
      '/api/v1',
      '/apis',
      '/apis/apps',
      '/apis/apps/v1',
      '/version',
    ]);
    const version = await get('/apis/apps/v9', 'application/json');
    expect(version.status).to.equal(404);
    expect(await version.json()).to.deep.include({ reason: 'NotFound', details: {} });
  });

  it('lists namespaces without deletecollection, as the real server serves them', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: a discovery document read field by field
    const doc: any = await (await get('/api/v1', 'application/json')).json();
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const namespaces = doc.resources.find((r: any) => r.name === 'namespaces');
    expect(namespaces.verbs).to.deep.equal(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });

  // kube-apiserver v1.36.3 answers /version with minor "36"; the simulator serves that release's
  // OpenAPI and protobuf definitions, so it says the same (differential discovery/version).
  it('reports the release of the API it serves, v1.36.3, and kubectl 1.35 sees no skew', async () => {
    const r = await kubectl.run(['version', '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const version = JSON.parse(r.stdout) as {
      clientVersion: { minor: string };
      serverVersion: { major: string; minor: string; gitVersion: string };
    };
    expect(version.serverVersion).to.deep.include({
      major: '1',
      minor: '36',
      gitVersion: 'v1.36.3+kubexpect',
    });
    expect(version.clientVersion.minor).to.equal('35');
    expect(r.stderr).to.not.match(/version difference|skew/i);
  });
});
