/**
 * Job, CronJob and DaemonSet writes as kube-apiserver v1.36 answers them (each expectation was
 * measured on the real server: bench/differential/corpus/workloads.yaml holds the same sequences).
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

describe('workload defaults and strategies', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown, contentType?: string) => Promise<RestAnswer>;
  const batch = '/apis/batch/v1/namespaces/default';
  const apps = '/apis/apps/v1/namespaces/default';
  const container = { name: 'a', image: 'busybox' };

  beforeEach(async () => {
    cluster = await startCluster({ seed: 21 });
    call = restClient(cluster);
  });
  afterEach(() => cluster.stop());

  describe('Job', () => {
    it('defaults its template like a pod but leaves restartPolicy to the user', async () => {
      const answer = await call('POST', `${batch}/jobs`, {
        metadata: { name: 'once' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } },
      });
      expect(answer.code).to.equal(201);
      expect(answer.body.spec.manualSelector).to.equal(false);
      expect(answer.body.spec.template.spec).to.deep.include({
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        securityContext: {},
      });
      expect(answer.body.spec.template.spec.containers[0]).to.deep.include({
        imagePullPolicy: 'Always',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
      });

      const missing = await call('POST', `${batch}/jobs`, {
        metadata: { name: 'no-policy' },
        spec: { template: { spec: { containers: [container] } } },
      });
      expect(missing.code).to.equal(422);
      expect(missing.body.message).to.equal(
        'Job.batch "no-policy" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
      );
    });

    it('takes its template labels, the generated ones included, when it has none of its own', async () => {
      const bare = await call('POST', `${batch}/jobs`, {
        metadata: { name: 'bare' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } },
      });
      const uid = bare.body.metadata.uid;
      expect(bare.body.metadata.labels).to.deep.equal({
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': 'bare',
        'controller-uid': uid,
        'job-name': 'bare',
      });

      const labelled = await call('POST', `${batch}/jobs`, {
        metadata: { name: 'labelled' },
        spec: {
          template: {
            metadata: { labels: { app: 'batch' } },
            spec: { restartPolicy: 'Never', containers: [container] },
          },
        },
      });
      expect(labelled.body.metadata.labels).to.include({ app: 'batch', 'job-name': 'labelled' });

      const own = await call('POST', `${batch}/jobs`, {
        metadata: { name: 'own', labels: { team: 'db' } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } },
      });
      expect(own.body.metadata.labels).to.deep.equal({ team: 'db' });
    });

    it('reports a name too long for the job-name label on the template labels only', async () => {
      const name = `a${'2'.repeat(63)}`;
      const answer = await call('POST', `${batch}/jobs`, {
        metadata: { name },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } } },
      });
      expect(answer.code).to.equal(422);
      expect(answer.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal([
        'spec.template.labels',
        'spec.template.labels',
      ]);
    });
  });

  it('CronJob: asks for the job template restartPolicy as a Job does', async () => {
    const answer = await call('POST', `${batch}/cronjobs`, {
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: { spec: { containers: [container] } } } },
      },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.include(
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
  });

  it('DaemonSet: defaults its template and counts template generations in an annotation', async () => {
    const created = await call('POST', `${apps}/daemonsets`, {
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [container] } },
      },
    });
    expect(created.code).to.equal(201);
    expect(created.body.metadata.annotations).to.deep.equal({
      'deprecated.daemonset.template.generation': '1',
    });
    expect(created.body.spec.template.spec).to.deep.include({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
    });

    const generationAfter = async (patch: unknown, type: string) => {
      const answer = await call('PATCH', `${apps}/daemonsets/agent`, patch, type);
      expect(answer.code).to.equal(200);
      return [
        answer.body.metadata.annotations['deprecated.daemonset.template.generation'],
        answer.body.metadata.generation,
      ];
    };
    // A spec change outside the template: the generation grows, the template generation does not.
    expect(
      await generationAfter({ spec: { minReadySeconds: 5 } }, 'application/merge-patch+json'),
    ).to.deep.equal(['1', 2]);
    expect(
      await generationAfter(
        { spec: { template: { spec: { containers: [{ name: 'a', image: 'alpine' }] } } } },
        'application/strategic-merge-patch+json',
      ),
    ).to.deep.equal(['2', 3]);
    // The annotation is the server's: a write to it is ignored.
    expect(
      await generationAfter(
        { metadata: { annotations: { 'deprecated.daemonset.template.generation': '9' } } },
        'application/merge-patch+json',
      ),
    ).to.deep.equal(['2', 3]);
  });
});
