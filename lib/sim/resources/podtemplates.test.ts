import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential apply/apply-list-merge-by-name, and kubectl against a
// real control plane).
describe('PodTemplates', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  let kubectl: KubectlSession;
  const path = '/api/v1/namespaces/default/podtemplates/web';
  const apply = (manager: string, body: unknown) =>
    rest('PATCH', `${path}?fieldManager=${manager}`, body, 'application/apply-patch+yaml');

  before(async () => {
    cluster = await startCluster({ seed: 37 });
    rest = restClient(cluster);
    kubectl = await kubectlSession(cluster, 60_000);
  });

  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('are stored with the pod template defaults and generation 1', async () => {
    const created = await apply('alice', {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'web' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'a', image: 'nginx' }] },
      },
    });
    expect(created.code).to.equal(201);
    expect(created.body.metadata.generation).to.equal(1);
    expect(created.body.template.spec).to.deep.include({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    });
    expect(created.body.template.spec.containers[0]).to.deep.include({
      imagePullPolicy: 'Always',
      resources: {},
    });
  });

  it('merge two managers’ containers by name under server-side apply', async () => {
    const merged = await apply('bob', {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'web' },
      template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } },
    });
    expect(merged.code).to.equal(200);
    expect(merged.body.template.spec.containers.map((c: { name: string }) => c.name)).to.deep.equal([
      'a',
      'sidecar',
    ]);
    expect(merged.body.metadata.managedFields.map((m: { manager: string }) => m.manager)).to.deep.equal([
      'alice',
      'bob',
    ]);
  });

  it('print the real columns in kubectl get', async () => {
    const r = await kubectl.run(['get', 'podtemplates', '-n', 'default']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^NAME\s+CONTAINERS\s+IMAGES\s+POD LABELS\nweb\s+a,sidecar\s+nginx,busybox\s+app=web\n$/,
    );
  });
});
