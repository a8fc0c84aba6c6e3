import { expect } from 'chai';
import { simOnlyIt } from '../controlplane/testing/test-target.ts';
import { eventuallyJob } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createJob, setJobStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

describe('eventuallyJob().toComplete', () => {
  const f = useSim('m-job-complete');

  it('passes when the Job gets the Complete condition', async () => {
    await createJob(f, 'j1');
    const waiting = eventuallyJob(f.conn, f.ns, 'j1', { timeout: '30s' }).toComplete();
    await setJobStatus(f, 'j1', { active: 1 });
    await setJobStatus(f, 'j1', {
      succeeded: 1,
      completionTime: new Date(),
      conditions: [
        { type: 'SuccessCriteriaMet', reason: 'CompletionsReached' },
        { type: 'Complete', reason: 'CompletionsReached' },
      ],
    });
    const job = await waiting;
    expect(job.status?.succeeded).to.equal(1);
  });

  it('fails at once, without waiting for the deadline, when the Job fails', async () => {
    await createJob(f, 'j2');
    const waiting = eventuallyJob(f.conn, f.ns, 'j2', { timeout: '1m' }).toComplete();
    await setJobStatus(f, 'j2', {
      failed: 2,
      conditions: [
        {
          type: 'FailureTarget',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
        {
          type: 'Failed',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    });
    const started = Date.now();
    const message = await failureOf(waiting);
    expect(Date.now() - started).to.be.below(30_000);
    expect(gist(message)).to.equal(
      'Gave up after T of 1m: expected job m-job-complete/j2 to complete, and that can no longer happen.\n' +
        '  last seen: it failed: 0 active, 0 succeeded, 2 failed, Failed (BackoffLimitExceeded: Job has reached the specified backoff limit)',
    );
  });

  it('times out showing the counts while the Job runs', async () => {
    await createJob(f, 'j3');
    await setJobStatus(f, 'j3', { active: 1, failed: 1 });
    const message = await failureOf(eventuallyJob(f.conn, f.ns, 'j3', { timeout: '1s' }).toComplete());
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected job m-job-complete/j3 to complete.\n  last seen: 1 active, 0 succeeded, 1 failed',
    );
  });

  describe('with the simulator’s Job controller', () => {
    const real = useWorkloadCluster('m-job-real');

    it('passes when the Job’s pod succeeds', async () => {
      await createJob(real, 'migrate');
      const job = await eventuallyJob(real.conn, real.ns, 'migrate', { timeout: '60s' }).toComplete();
      expect(job.status?.succeeded).to.equal(1);
    });

    simOnlyIt(
      'fails at once with the reason when the pods keep failing',
      'the failing exit code is a simulator annotation',
      async () => {
        await createJob(real, 'broken', { exitCode: 1 });
        const message = await failureOf(
          eventuallyJob(real.conn, real.ns, 'broken', { timeout: '60s' }).toComplete(),
        );
        expect(gist(message)).to.match(
          /^Gave up after T of 1m: expected job m-job-real\/broken to complete, and that can no longer happen\.\n {2}last seen: it failed: 0 active, 0 succeeded, 2 failed, (Failed|FailureTarget) \(BackoffLimitExceeded: Job has reached the specified backoff limit\)$/,
        );
      },
    );
  });
});
