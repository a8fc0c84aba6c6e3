import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential kinds/horizontal-pod-autoscaler, and kubectl against
// a real control plane without metrics).
describe('HorizontalPodAutoscalers (autoscaling/v2)', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  let kubectl: KubectlSession;
  const hpas = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
  const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

  before(async () => {
    cluster = await startCluster({ seed: 41 });
    rest = restClient(cluster);
    kubectl = await kubectlSession(cluster, 60_000);
  });

  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('are stored with one replica at least and CPU at 80 % by default', async () => {
    const answer = await rest('POST', hpas, {
      metadata: { name: 'web' },
      spec: { scaleTargetRef: target, maxReplicas: 3 },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.metadata).to.not.have.property('generation');
    expect(answer.body.spec).to.deep.equal({
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
    expect(answer.body.status).to.deep.equal({ currentMetrics: null, desiredReplicas: 0 });
  });

  it('refuses maxReplicas 0 with the real two causes', async () => {
    const answer = await rest('POST', hpas, {
      metadata: { name: 'bad' },
      spec: { scaleTargetRef: target, maxReplicas: 0 },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.details.causes.map((c: { message: string }) => c.message)).to.deep.equal([
      'Required value: must be set and greater than 0',
      'Invalid value: 0: must be greater than or equal to `minReplicas`',
    ]);
  });

  it('print the real columns in kubectl get, with unknown metrics', async () => {
    const r = await kubectl.run(['get', 'hpa', '-n', 'default']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\nweb\s+Deployment\/web\s+cpu: <unknown>\/80%\s+1\s+3\s+0\s+\d+s\n$/,
    );
  });
});
