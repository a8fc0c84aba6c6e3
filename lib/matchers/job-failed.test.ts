import { expect } from 'chai';
import { simOnlyIt } from '../controlplane/testing/test-target.ts';
import { eventuallyJob } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createJob, setJobStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

const backoff = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };

describe('eventuallyJob().toFail', () => {
  const f = useSim('m-job-failed');

  it('resolves to the failure reason and message', async () => {
    await createJob(f, 'f1');
    const waiting = eventuallyJob(f.conn, f.ns, 'f1', { timeout: '5s' }).toFail();
    await setJobStatus(f, 'f1', {
      failed: 2,
      conditions: [
        { type: 'FailureTarget', ...backoff },
        { type: 'Failed', ...backoff },
      ],
    });
    const { reason, message, job } = await waiting;
    expect(reason).to.equal('BackoffLimitExceeded');
    expect(message).to.equal('Job has reached the specified backoff limit');
    expect(job.metadata?.name).to.equal('f1');
  });

  it('fails at once when the Job completes instead', async () => {
    await createJob(f, 'f2');
    await setJobStatus(f, 'f2', {
      succeeded: 1,
      completionTime: new Date(),
      conditions: [
        { type: 'SuccessCriteriaMet', reason: 'CompletionsReached' },
        { type: 'Complete', reason: 'CompletionsReached' },
      ],
    });
    const message = await failureOf(eventuallyJob(f.conn, f.ns, 'f2', { timeout: '1m' }).toFail());
    expect(gist(message)).to.equal(
      'Gave up after T of 1m: expected job m-job-failed/f2 to fail, and that can no longer happen.\n' +
        '  last seen: it completed: 0 active, 1 succeeded, 0 failed, Complete (CompletionsReached)',
    );
  });

  it('fails at once when the Job fails for another reason than the one expected', async () => {
    await createJob(f, 'f3');
    await setJobStatus(f, 'f3', {
      failed: 2,
      conditions: [
        { type: 'FailureTarget', ...backoff },
        { type: 'Failed', ...backoff },
      ],
    });
    const message = await failureOf(
      eventuallyJob(f.conn, f.ns, 'f3', { timeout: '1m' }).toFail({ reason: 'DeadlineExceeded' }),
    );
    expect(gist(message)).to.equal(
      'Gave up after T of 1m: expected job m-job-failed/f3 to fail with reason DeadlineExceeded, and that can no longer happen.\n' +
        '  last seen: it failed for another reason: 0 active, 0 succeeded, 2 failed, Failed (BackoffLimitExceeded: Job has reached the specified backoff limit)',
    );
  });

  it('rejects unknown options at the call', () => {
    expect(() => eventuallyJob(f.conn, f.ns, 'x').toFail({ reson: 'x' } as never)).to.throw(
      TypeError,
      "toFail: unknown option 'reson'; known: reason",
    );
  });

  describe('with the simulator’s Job controller', () => {
    const real = useWorkloadCluster('m-job-failed-real');

    simOnlyIt(
      'resolves to BackoffLimitExceeded when the pods keep failing',
      'the failing exit code is a simulator annotation',
      async () => {
        await createJob(real, 'crash', { exitCode: 2 });
        const { reason } = await eventuallyJob(real.conn, real.ns, 'crash', { timeout: '60s' }).toFail();
        expect(reason).to.equal('BackoffLimitExceeded');
      },
    );
  });
});
