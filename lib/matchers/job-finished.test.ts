import { expect } from 'chai';
import { consistentlyJob, eventuallyJob } from './index.ts';
import { failureOf, gist, useSim } from './testing/sim-fixture.ts';
import { createJob, setJobStatus, useWorkloadCluster } from './testing/workload-fixture.ts';

describe('eventuallyJob().toFinish', () => {
  const f = useSim('m-job-finished');

  it('resolves to the failed outcome with its reason', async () => {
    await createJob(f, 'a');
    const waiting = eventuallyJob(f.conn, f.ns, 'a', { timeout: '5s' }).toFinish();
    await setJobStatus(f, 'a', {
      failed: 1,
      conditions: [
        {
          type: 'FailureTarget',
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
        },
        {
          type: 'Failed',
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
        },
      ],
    });
    const outcome = await waiting;
    expect(outcome.kind).to.equal('failed');
    expect(outcome.kind === 'failed' && outcome.reason).to.equal('DeadlineExceeded');
  });

  it('times out showing the Job’s counts while it runs', async () => {
    await createJob(f, 'b');
    await setJobStatus(f, 'b', { active: 1 });
    const message = await failureOf(eventuallyJob(f.conn, f.ns, 'b', { timeout: '1s' }).toFinish());
    expect(gist(message)).to.equal(
      'Timed out after T of 1s: expected job m-job-finished/b to finish (Complete or Failed).\n  last seen: 1 active, 0 succeeded, 0 failed',
    );
  });

  it('cannot be negated, since it names every ending', () => {
    expect(() => consistentlyJob(f.conn, f.ns, 'c').not.toFinish()).to.throw(
      TypeError,
      'toFinish cannot be negated with .not: it already names every acceptable outcome',
    );
  });

  describe('with the simulator’s Job controller', () => {
    const real = useWorkloadCluster('m-job-finished-real');

    it('resolves to the complete outcome when the pod succeeds', async () => {
      await createJob(real, 'ok');
      const outcome = await eventuallyJob(real.conn, real.ns, 'ok', { timeout: '60s' }).toFinish();
      expect(outcome.kind).to.equal('complete');
      expect(outcome.job.status?.succeeded).to.equal(1);
    });
  });
});
