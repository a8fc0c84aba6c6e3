import { expect } from 'chai';
import { podRef } from '../matchers/index.ts';
import { createPod, useSim } from '../matchers/testing/sim-fixture.ts';
import {
  createDeployment,
  createJob,
  setDeploymentStatus,
  setJobStatus,
} from '../matchers/testing/workload-fixture.ts';
import { deployment, events, job, pod, runnerMatchers } from './runner-matchers.ts';

// The rows kubexpect/jest and kubexpect/vitest register, called as the runners call them.
const matchers = runnerMatchers('jest');
const run = (name: string, isNot: boolean, received: unknown, ...args: unknown[]) =>
  matchers[name]!.call({ isNot }, received, ...args);

describe('runner matchers (kubexpect/jest, kubexpect/vitest): workloads, shapes and events', () => {
  const f = useSim('runner-workloads');

  it('toEventuallyBeRolledOut passes, and fails with kubexpect’s own text', async () => {
    await createDeployment(f, 'web', 2);
    await setDeploymentStatus(f, 'web', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(
      (await run('toEventuallyBeRolledOut', false, deployment(f.conn, f.ns, 'web'), { timeout: '2s' })).pass,
    ).to.equal(true);
    await createDeployment(f, 'api', 2);
    const failed = await run('toEventuallyBeRolledOut', false, deployment(f.conn, f.ns, 'api'), {
      timeout: '1s',
    });
    expect(failed.pass).to.equal(false);
    expect(failed.message()).to.match(
      /^Timed out after \S+ of 1s: expected deployment runner-workloads\/api to be rolled out\.\n {2}last seen: the spec update is not observed yet/,
    );
  });

  it('toEventuallyFail takes the reason merged with the wait options', async () => {
    await createJob(f, 'migrate');
    await setJobStatus(f, 'migrate', {
      failed: 2,
      conditions: [
        { type: 'FailureTarget', reason: 'DeadlineExceeded' },
        { type: 'Failed', reason: 'DeadlineExceeded' },
      ],
    });
    const r = await run('toEventuallyFail', false, job(f.conn, f.ns, 'migrate'), {
      reason: 'DeadlineExceeded',
      timeout: '2s',
    });
    expect(r.pass).to.equal(true);
  });

  it('toEventuallyMatchObject and .not.toConsistentlyBeEmitted', async () => {
    await createPod(f, 'p1', { nodeName: 'w1' });
    expect(
      (await run('toEventuallyMatchObject', false, pod(f.conn, f.ns, 'p1'), { spec: { nodeName: 'w1' } }))
        .pass,
    ).to.equal(true);
    const quiet = events(f.conn, f.ns, { involvedObject: podRef(f.ns, 'p1'), reason: 'BackOff' });
    // Under .not the runner inverts pass: false here means "held".
    expect((await run('toConsistentlyBeEmitted', true, quiet, { for: '1s' })).pass).to.equal(false);
  });
});
