import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { podRef } from '../matchers/index.ts';
import { createPod, failureOf, gist, setPodStatus, useSim } from '../matchers/testing/sim-fixture.ts';
import {
  createDeployment,
  createJob,
  createStatefulSet,
  setDeploymentStatus,
  setJobStatus,
  setStatefulSetStatus,
} from '../matchers/testing/workload-fixture.ts';
import { deployment, events, job, kubexpectChai, pod, pods, statefulSet } from './index.ts';

chai.use(chaiAsPromised);
chai.use(kubexpectChai);
const { expect } = chai;

describe('kubexpect/chai: workloads, shapes, events and restarts', () => {
  const f = useSim('chai-workloads');

  it('waits for a Deployment and a StatefulSet to roll out with .rolledOut()', async () => {
    await createDeployment(f, 'web', 2);
    await setDeploymentStatus(f, 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    await expect(deployment(f.conn, f.ns, 'web')).to.soon.be.rolledOut();
    await createStatefulSet(f, 'db', { replicas: 1 });
    await setStatefulSetStatus(f, 'db', {
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      currentRevision: 'db-a',
      updateRevision: 'db-a',
    });
    await expect(statefulSet(f.conn, f.ns, 'db')).to.soon.be.rolledOut();
    await expect(statefulSet(f.conn, f.ns, 'db')).to.soon.be.ready();
  });

  it('fails with the same text as the entry points', async () => {
    await createDeployment(f, 'api', 3);
    await setDeploymentStatus(f, 'api', { replicas: 3, updatedReplicas: 1, availableReplicas: 3 });
    const message = await failureOf(
      expect(deployment(f.conn, f.ns, 'api'))
        .to.soon.within('1s')
        .be.rolledOut(),
    );
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected deployment chai-workloads/api to be rolled out.\n' +
        '  last seen: 1 of 3 new replicas updated: 3 desired, 1 updated, 3 total, 3 available, generation 1 observed 1',
    );
  });

  it('resolves .failed() to the Job’s failure reason', async () => {
    await createJob(f, 'migrate');
    await setJobStatus(f, 'migrate', {
      failed: 2,
      conditions: [
        { type: 'FailureTarget', reason: 'BackoffLimitExceeded' },
        { type: 'Failed', reason: 'BackoffLimitExceeded' },
      ],
    });
    const { reason } = await expect(job(f.conn, f.ns, 'migrate')).to.soon.have.failed();
    expect(reason).to.equal('BackoffLimitExceeded');
  });

  it('matches partial shapes with .matchObject() and events with .emitted()', async () => {
    await createPod(f, 'p1', { nodeName: 'w1' });
    await setPodStatus(f, 'p1', { phase: 'Running' });
    await expect(pod(f.conn, f.ns, 'p1')).to.soon.matchObject({
      spec: { nodeName: /^w/ },
      status: { phase: 'Running' },
    });
    await f.conn.core.createNamespacedEvent({
      namespace: f.ns,
      body: {
        metadata: { name: 'p1.1' },
        involvedObject: { kind: 'Pod', name: 'p1', namespace: f.ns },
        reason: 'Pulled',
        message: 'Container image "postgres" already present on machine',
        type: 'Normal',
      },
    });
    await expect(
      events(f.conn, f.ns, { involvedObject: podRef(f.ns, 'p1'), reason: 'Pulled' }),
    ).to.soon.be.emitted();
  });

  it('checks restart counts of a pod and of a set with .always…keepRestartCounts()', async () => {
    await createPod(f, 'p2', { nodeName: 'w1', labels: { app: 'steady' } });
    await expect(pod(f.conn, f.ns, 'p2'))
      .to.always.during('1s')
      .keepRestartCounts();
    await expect(pods(f.conn, f.ns, { labelSelector: 'app=steady' }))
      .to.always.during('1s')
      .keepRestartCounts();
  });

  it('says when a method does not apply to the subject', () => {
    expect(() => expect(job(f.conn, f.ns, 'x')).to.soon.be.rolledOut()).to.throw(
      'kubexpect/chai: .rolledOut() does not apply to a job subject',
    );
  });
});
