/**
 * CloudNativePG Clusters are admitted as on a cluster with CloudNativePG v1.30.0 installed: the API
 * server applies the operator's CRD (schema, pruning, defaults, CEL rules; messages of
 * apiextensions-apiserver), then the operator's validating webhook answers with its own messages
 * (internal/webhook/v1/cluster_webhook.go), wrapped by the API server as
 * `admission webhook "vcluster.cnpg.io" denied the request: …`.
 */
import { writeFile } from 'node:fs/promises';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { kubectlSession, type KubectlSession } from '../testing/kubectl-session.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';
import { CNPG_CLUSTER_CRD } from './cnpg-clusters.ts';

type Call = (method: string, path: string, body?: unknown, contentType?: string) => Promise<RestAnswer>;

const CLUSTERS = '/apis/postgresql.cnpg.io/v1/namespaces/default/clusters';
const cluster = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name },
  spec: { instances: 3, storage: { size: '1Gi' }, ...spec },
});

describe('CloudNativePG Cluster admission: the CRD on the API server', () => {
  let sim: Cluster;
  let call: Call;

  before(async () => {
    sim = await startCluster({ seed: 51 });
    call = restClient(sim);
  });
  after(() => sim.stop());

  it('applies the CRD CEL rule that keeps imageName and imageCatalogRef apart', async () => {
    const answer = await call(
      'POST',
      CLUSTERS,
      cluster('both', {
        imageName: 'ghcr.io/cloudnative-pg/postgresql:18',
        imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'pg', major: 18 },
      }),
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'Cluster.postgresql.cnpg.io "both" is invalid: spec: Invalid value: "object": imageName and imageCatalogRef are mutually exclusive',
    );
  });

  it('skips the CEL rules after a blocking schema error and says so, as apiextensions-apiserver does', async () => {
    const answer = await call('POST', CLUSTERS, cluster('sometimes', { primaryUpdateStrategy: 'sometimes' }));
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'Cluster.postgresql.cnpg.io "sometimes" is invalid: [spec.primaryUpdateStrategy: Unsupported value: "sometimes": supported values: "unsupervised", "supervised", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
    );
    // The scale subresource's replicas path is checked too (kubectl scale reads it).
    const wrongType = await call('POST', CLUSTERS, cluster('three', { instances: 'three' }));
    expect(wrongType.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal([
      'spec.instances',
      '.spec.instances',
      '<nil>',
    ]);
    expect(wrongType.body.message).to.include(
      '.spec.instances: Invalid value: 0: .spec.instances accessor error: three is of the type string, expected int64',
    );
  });

  it('applies a transition rule on update only (serviceAccountName is immutable)', async () => {
    const created = await call('POST', CLUSTERS, cluster('sa', { serviceAccountName: 'one' }));
    expect(created.code).to.equal(201);
    const answer = await call(
      'PATCH',
      `${CLUSTERS}/sa`,
      { spec: { serviceAccountName: 'two' } },
      'application/merge-patch+json',
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'Cluster.postgresql.cnpg.io "sa" is invalid: spec.serviceAccountName: Invalid value: "string": serviceAccountName is immutable',
    );
  });

  it('refuses an unknown spec field under Strict and prunes it with a warning by default', async () => {
    const strict = await call(
      'POST',
      `${CLUSTERS}?fieldValidation=Strict`,
      cluster('typo', { instancess: 2 }),
    );
    expect(strict.code).to.equal(400);
    expect(strict.body.message).to.equal(
      'Cluster in version "v1" cannot be handled as a Cluster: strict decoding error: unknown field "spec.instancess"',
    );
    const warned = await call('POST', CLUSTERS, cluster('typo', { instancess: 2 }));
    expect(warned.code).to.equal(201);
    expect(warned.body.spec).to.not.have.property('instancess');
  });
});

describe('CloudNativePG Cluster admission: the operator webhook', () => {
  let sim: Cluster;
  let call: Call;
  let kubectl: KubectlSession;

  before(async () => {
    sim = await startCluster({ preset: 'kind', timeScale: 0.01, seed: 52 });
    call = restClient(sim);
    kubectl = await kubectlSession(sim, 60_000);
  });
  after(async () => {
    await kubectl?.close();
    await sim?.stop();
  });

  const denied = (name: string, inner: string) =>
    `admission webhook "vcluster.cnpg.io" denied the request: Cluster.postgresql.cnpg.io "${name}" is invalid: ${inner}`;

  it('refuses a cluster name over 50 characters', async () => {
    const name = `pg-${'x'.repeat(48)}`;
    const answer = await call('POST', CLUSTERS, cluster(name));
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      denied(
        name,
        `metadata.name: Invalid value: "${name}": the maximum length of a cluster name is 50 characters`,
      ),
    );
  });

  it('refuses maxSyncReplicas that is not lower than the number of instances', async () => {
    const answer = await call('POST', CLUSTERS, cluster('sync', { maxSyncReplicas: 3 }));
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      denied(
        'sync',
        'spec.maxSyncReplicas: Invalid value: 3: maxSyncReplicas must be lower than the number of instances',
      ),
    );
  });

  it('refuses a fixed PostgreSQL parameter such as port', async () => {
    const answer = await call(
      'POST',
      CLUSTERS,
      cluster('port', { postgresql: { parameters: { port: '5433' } } }),
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      denied(
        'port',
        `spec.postgresql.parameters.port: Invalid value: "5433": Can't set fixed configuration parameter`,
      ),
    );
  });

  // ValidateUpdate builds its error with the group "cluster.cnpg.io" (CloudNativePG v1.30.0 does so).
  it('names the group cluster.cnpg.io when it refuses an update', async () => {
    expect((await call('POST', CLUSTERS, cluster('upd'))).code).to.equal(201);
    const answer = await call(
      'PATCH',
      `${CLUSTERS}/upd`,
      { spec: { maxSyncReplicas: 5 } },
      'application/merge-patch+json',
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'admission webhook "vcluster.cnpg.io" denied the request: Cluster.cluster.cnpg.io "upd" is invalid: spec.maxSyncReplicas: Invalid value: 5: maxSyncReplicas must be lower than the number of instances',
    );
  });

  it("takes kubectl apply --server-side of CloudNativePG's CRD without a conflict", async () => {
    const file = `${kubectl.dir}/clusters-crd.json`;
    await writeFile(file, JSON.stringify(CNPG_CLUSTER_CRD));
    const run = await kubectl.run(['apply', '--server-side', '-f', file]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal(
      'customresourcedefinition.apiextensions.k8s.io/clusters.postgresql.cnpg.io serverside-applied',
    );
  });
});
