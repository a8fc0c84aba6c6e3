import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, statusOf, until } from '../testing/clients.ts';

function jobBody(
  name: string,
  spec: Partial<k8s.V1JobSpec> = {},
  annotations?: Record<string, string>,
): k8s.V1Job {
  return {
    metadata: { name },
    spec: {
      template: {
        metadata: annotations ? { annotations } : {},
        spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] },
      },
      ...spec,
    },
  };
}

describe('simulated Job controller', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let batch: k8s.BatchV1Api;
  const namespace = 'default';

  before(async () => {
    cluster = await startCluster({ preset: 'kind', timeScale: 0.005, seed: 3 });
    ({ core, batch } = clientsFor(cluster));
  });
  after(() => stopWithoutOwnErrors(cluster));

  const finished = (name: string) =>
    until(`job ${name} to finish`, async () => {
      const job = await batch.readNamespacedJob({ namespace, name });
      return job.status?.conditions?.some((c) => ['Complete', 'Failed'].includes(c.type)) ? job : undefined;
    });

  it('runs a Job to Complete with SuccessCriteriaMet, completionTime and one succeeded pod', async () => {
    await batch.createNamespacedJob({ namespace, body: jobBody('once') });
    const job = await finished('once');
    expect(job.status?.conditions?.map((c) => [c.type, c.status, c.reason])).to.deep.equal([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect(job.status).to.deep.include({ succeeded: 1, active: 0 });
    expect(job.status?.completionTime).to.be.instanceOf(Date);
    expect(+job.status!.completionTime!).to.be.at.least(+job.status!.startTime!);
  });

  it('creates pods with the job labels and a controlling owner reference', async () => {
    await batch.createNamespacedJob({ namespace, body: jobBody('labelled') });
    const job = await finished('labelled');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=labelled' });
    expect(pods.items).to.have.length(1);
    const pod = pods.items[0]!;
    expect(pod.metadata?.name).to.match(/^labelled-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata?.labels).to.deep.include({
      'job-name': 'labelled',
      'batch.kubernetes.io/job-name': 'labelled',
      'controller-uid': job.metadata!.uid!,
      'batch.kubernetes.io/controller-uid': job.metadata!.uid!,
    });
    expect(pod.metadata?.ownerReferences).to.deep.equal([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'labelled',
        uid: job.metadata!.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(pod.status?.phase).to.equal('Succeeded');
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=labelled',
    });
    expect(events.items.map((e) => `${e.reason}: ${e.message}`)).to.include.members([
      `SuccessfulCreate: Created pod: ${pod.metadata?.name}`,
      'Completed: Job completed',
    ]);
  });

  it('runs up to parallelism pods at once until the completions are reached', async () => {
    await batch.createNamespacedJob({
      namespace,
      body: jobBody('batchy', { completions: 3, parallelism: 2 }),
    });
    let maxActive = 0;
    const req = await new k8s.Watch(clientsFor(cluster).kc).watch(
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      { fieldSelector: 'metadata.name=batchy' },
      (_t: string, j: k8s.V1Job) => {
        maxActive = Math.max(maxActive, j.status?.active ?? 0);
      },
      () => {},
    );
    const job = await finished('batchy');
    req.abort();
    expect(job.status?.succeeded).to.equal(3);
    expect(maxActive).to.equal(2);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=batchy' });
    expect(pods.items).to.have.length(3);
  });

  it('fails a Job once its pods fail more often than backoffLimit allows', async () => {
    await batch.createNamespacedJob({
      namespace,
      body: jobBody('doomed', { backoffLimit: 1 }, { 'sim.kubexpect.io/exit-code': '1' }),
    });
    const job = await finished('doomed');
    expect(job.status?.conditions?.map((c) => [c.type, c.reason, c.message])).to.deep.equal([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    expect(job.status?.failed).to.equal(2);
  });

  it('fails a Job that runs longer than activeDeadlineSeconds and stops its pods', async () => {
    await batch.createNamespacedJob({
      namespace,
      body: jobBody('slow', { activeDeadlineSeconds: 5 }, { 'sim.kubexpect.io/run-seconds': '600' }),
    });
    const job = await finished('slow');
    expect(job.status?.conditions?.map((c) => [c.type, c.reason, c.message])).to.deep.equal([
      ['FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
      ['Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
    ]);
    await until('the job pod to be stopped', async () => {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=slow' });
      return pods.items.every((p) => p.metadata?.deletionTimestamp) ? true : undefined;
    });
  });

  it('deletes a finished Job and its pods once ttlSecondsAfterFinished has passed', async () => {
    await batch.createNamespacedJob({ namespace, body: jobBody('brief', { ttlSecondsAfterFinished: 10 }) });
    await finished('brief');
    await until('the job to be gone', async () =>
      (await statusOf(batch.readNamespacedJob({ namespace, name: 'brief' }))) === 404 ? true : undefined,
    );
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=brief' });
    expect(pods.items).to.deep.equal([]);
  });
});
