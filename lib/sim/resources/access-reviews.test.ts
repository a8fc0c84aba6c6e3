import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential theme rbac, and a real control plane asked by hand).
describe('access reviews answer as kube-apiserver does', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const authz = '/apis/authorization.k8s.io/v1';

  before(async () => {
    cluster = await startCluster({ seed: 19 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('allows the admin anything in a SelfSubjectAccessReview', async () => {
    const answer = await rest('POST', `${authz}/selfsubjectaccessreviews`, {
      spec: { resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'pods' } },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.status).to.deep.equal({ allowed: true });
  });

  it('refuses a review that names no attributes with the real 422', async () => {
    const answer = await rest('POST', `${authz}/selfsubjectaccessreviews`, { spec: {} });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    expect(answer.body.details).to.deep.equal({
      group: 'authorization.k8s.io',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message:
            'Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
          field: 'spec.resourceAttributes',
        },
      ],
    });
  });

  it('denies a service account without bindings, without a reason', async () => {
    const answer = await rest('POST', `${authz}/subjectaccessreviews`, {
      spec: {
        user: 'system:serviceaccount:default:default',
        resourceAttributes: { namespace: 'default', verb: 'list', resource: 'secrets' },
      },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.status).to.deep.equal({ allowed: false });
  });

  it('allows what the bootstrap bindings grant, naming the binding', async () => {
    const answer = await rest('POST', `${authz}/subjectaccessreviews`, {
      spec: {
        user: 'jane',
        groups: ['system:authenticated'],
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
      },
    });
    expect(answer.body.status).to.deep.equal({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
  });

  it('follows a RoleBinding of a service account in its namespace', async () => {
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/default';
    await rest('POST', `${rbac}/roles`, {
      metadata: { name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    });
    await rest('POST', `${rbac}/rolebindings`, {
      metadata: { name: 'robot-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot' }],
    });
    const ask = (verb: string) =>
      rest('POST', '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews', {
        spec: {
          user: 'system:serviceaccount:default:robot',
          resourceAttributes: { namespace: 'default', verb, resource: 'secrets' },
        },
      });
    expect((await ask('list')).body.status).to.deep.equal({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "robot-reads/default" of Role "secret-reader" to ServiceAccount "robot/default"',
    });
    expect((await ask('delete')).body.status).to.deep.equal({ allowed: false });
  });

  it('refuses a LocalSubjectAccessReview about another namespace', async () => {
    const answer = await rest(
      'POST',
      '/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews',
      {
        spec: { user: 'jane', resourceAttributes: { namespace: 'other', verb: 'list', resource: 'secrets' } },
      },
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
    );
  });

  it('lists the rules RBAC grants the admin in a SelfSubjectRulesReview', async () => {
    const answer = await rest('POST', `${authz}/selfsubjectrulesreviews`, { spec: { namespace: 'default' } });
    expect(answer.code).to.equal(201);
    expect(answer.body.status.incomplete).to.equal(false);
    expect(answer.body.status.resourceRules).to.deep.include.members([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
    ]);
    expect(answer.body.status.nonResourceRules).to.deep.include({ verbs: ['*'], nonResourceURLs: ['*'] });
  });

  it('tells who the client is in a SelfSubjectReview', async () => {
    const answer = await rest('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.status.userInfo).to.deep.equal({
      username: 'kubexpect-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });
});
