import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36 sets metadata.generation only where a kind's registry strategy does
// (`Generation = 1` in PrepareForCreate: pods, pod templates, workloads, PDBs, EndpointSlices,
// PriorityClasses, NetworkPolicies, Ingresses, webhook configurations, CRDs and custom resources).
// Services, Secrets, ServiceAccounts, Namespaces, claims, RBAC kinds, quotas… carry none
// (differential: services/service-defaults, rbac/role-create, secrets/*, namespaces/namespace-defaults).
describe('metadata.generation follows the kind, as on a real server', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;

  before(async () => {
    cluster = await startCluster({ seed: 5 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  const withoutGeneration: [string, string, Record<string, unknown>][] = [
    ['/api/v1/namespaces/default/services', 'Service', { spec: { ports: [{ port: 80 }] } }],
    ['/api/v1/namespaces/default/secrets', 'Secret', { data: { a: 'YQ==' } }],
    ['/api/v1/namespaces/default/serviceaccounts', 'ServiceAccount', {}],
    ['/api/v1/namespaces/default/resourcequotas', 'ResourceQuota', { spec: { hard: { pods: '2' } } }],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', 'Role', { rules: [] }],
    ['/api/v1/namespaces', 'Namespace', {}],
  ];

  for (const [path, kind, rest_] of withoutGeneration) {
    it(`creates and updates a ${kind} without metadata.generation`, async () => {
      const name = `gen-${kind.toLowerCase()}`;
      const created = await rest('POST', path, { metadata: { name }, ...rest_ });
      expect(created.code, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.metadata).to.not.have.property('generation');
      const patched = await rest(
        'PATCH',
        `${path}/${name}`,
        { metadata: { labels: { changed: 'yes' } } },
        'application/merge-patch+json',
      );
      expect(patched.code).to.equal(200);
      expect(patched.body.metadata).to.not.have.property('generation');
    });
  }

  it('starts a PriorityClass at generation 1, as its strategy does', async () => {
    const created = await rest('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
      metadata: { name: 'gen-pc' },
      value: 10,
    });
    expect(created.code).to.equal(201);
    expect(created.body.metadata.generation).to.equal(1);
  });
});
