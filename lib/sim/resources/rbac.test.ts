import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers, recorded by the differential (themes rbac, namespaces).
describe('RBAC kinds as kube-apiserver serves them', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const rbac = '/apis/rbac.authorization.k8s.io/v1';

  before(async () => {
    cluster = await startCluster({ seed: 11 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('refuses a rule without verbs with 422 (ValidatePolicyRule)', async () => {
    const answer = await rest('POST', `${rbac}/namespaces/default/roles`, {
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['pods'] }],
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'Role.rbac.authorization.k8s.io "reader" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );
  });

  it('refuses non-resource URLs in a namespaced Role', async () => {
    const answer = await rest('POST', `${rbac}/namespaces/default/roles`, {
      metadata: { name: 'urls' },
      rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.details.causes[0]).to.deep.include({
      field: 'rules[0].nonResourceURLs',
      message: 'Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    });
  });

  it('accepts the path-segment names RBAC allows, colons included', async () => {
    const answer = await rest('POST', `${rbac}/clusterroles`, {
      metadata: { name: 'system:custom:reader' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
    });
    expect(answer.code).to.equal(201);
    expect((await rest('POST', `${rbac}/clusterroles`, { metadata: { name: 'a/b' } })).body.message).to.equal(
      `ClusterRole.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'`,
    );
  });

  it('defaults the apiGroup of roleRef and of User subjects', async () => {
    const answer = await rest('POST', `${rbac}/namespaces/default/rolebindings`, {
      metadata: { name: 'readers' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'ServiceAccount', name: 'default' },
      ],
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.roleRef.apiGroup).to.equal('rbac.authorization.k8s.io');
    expect(answer.body.subjects).to.deep.equal([
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'default' },
    ]);
  });

  it('serves the bootstrap roles a real server creates at start', async () => {
    const view = await rest('GET', `${rbac}/clusterroles/view`);
    expect(view.code).to.equal(200);
    expect(view.body.metadata.labels['kubernetes.io/bootstrapping']).to.equal('rbac-defaults');
    expect(view.body.aggregationRule).to.deep.equal({
      clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }],
    });
    const admin = await rest('GET', `${rbac}/clusterroles/cluster-admin`);
    expect(admin.body.rules).to.deep.equal([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
    const binding = await rest('GET', `${rbac}/clusterrolebindings/system:basic-user`);
    expect(binding.body.subjects).to.deep.equal([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
    ]);
    const critical = await rest('GET', '/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical');
    expect(critical.body.value).to.equal(2000001000);
  });

  it('checks a namespace name once, as a DNS-1123 label', async () => {
    const bad = await rest('POST', '/api/v1/namespaces', { metadata: { name: 'Not_Valid' } });
    expect(bad.code).to.equal(422);
    expect(bad.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal(['metadata.name']);
    const long = await rest('POST', '/api/v1/namespaces', { metadata: { name: 'a'.repeat(68) } });
    expect(long.body.details.causes).to.deep.include({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${'a'.repeat(68)}": must be no more than 63 characters`,
      field: 'metadata.name',
    });
  });
});
