/** The CronJob controller through kubectl v1.35 over HTTP, at a time scale where a minute lasts 0.6 s. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { until } from '../testing/clients.ts';
import { stopWithoutControllerErrors } from '../testing/own-errors.ts';

const CRONJOB = (name: string, extra: string, podAnnotations = '{}') => `apiVersion: batch/v1
kind: CronJob
metadata: {name: ${name}}
spec:
  schedule: "* * * * *"${extra}
  jobTemplate:
    spec:
      template:
        metadata: {annotations: ${podAnnotations}}
        spec:
          restartPolicy: Never
          containers: [{name: tick, image: "busybox:1.36"}]
`;

interface Job {
  metadata: {
    name: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  status?: { conditions?: { type: string; status: string }[] };
}

describe('CronJobs through kubectl', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const run = async (...args: string[]) => {
    const out = await kubectl.run(args);
    expect(out.code, `kubectl ${args.join(' ')}: ${out.stderr}`).to.equal(0);
    return out.stdout;
  };
  const apply = async (name: string, text: string) => {
    const path = join(kubectl.dir, `${name}.yaml`);
    await writeFile(path, text);
    return run('apply', '-f', path);
  };
  const jobsOf = (cronJob: string): Job[] =>
    cluster.api
      .list(cluster.api.resource('batch', 'jobs'), 'default')
      .items.filter((j) => j.metadata.ownerReferences?.[0]?.name === cronJob) as unknown as Job[];
  const createdJobs = (cronJob: string) =>
    cluster.api
      .list(cluster.api.resource('', 'events'), 'default')
      .items.filter(
        (e) =>
          (e as { reason?: string }).reason === 'SuccessfulCreate' &&
          (e as { involvedObject?: { name?: string } }).involvedObject?.name === cronJob,
      ).length;

  before(async () => {
    cluster = await startCluster({ preset: 'kind', seed: 15, timeScale: 0.01, token: false });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    if (cluster) await stopWithoutControllerErrors(cluster);
    await kubectl?.close();
  });

  it('creates a Job per scheduled minute, named after it, and keeps the last successful ones', async () => {
    await apply('ticker', CRONJOB('ticker', '\n  successfulJobsHistoryLimit: 2'));
    await until('four Jobs created', async () => createdJobs('ticker') >= 4, 30_000);
    await until(
      'at most two completed Jobs kept',
      async () =>
        jobsOf('ticker').filter((j) => j.status?.conditions?.some((c) => c.type === 'Complete')).length <= 2,
      10_000,
    );
    const jobs = jobsOf('ticker');
    for (const job of jobs) {
      const scheduled = job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
      expect(job.metadata.name).to.equal(`ticker-${Math.floor(Date.parse(scheduled!) / 60_000)}`);
      expect(job.metadata.ownerReferences?.[0]).to.include({ kind: 'CronJob', name: 'ticker' });
    }
    const cj = JSON.parse(await run('get', 'cronjob', 'ticker', '-o', 'json'));
    expect(cj.status.lastScheduleTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(cj.status.lastSuccessfulTime).to.be.a('string');
    const table = await run('get', 'cronjob', 'ticker');
    expect(table).to.match(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    expect(table).to.match(/\nticker\s+\* \* \* \* \*\s+<none>\s+False\s+\d\s+\S+\s+\d+s\n$/);
  });

  it('with concurrencyPolicy Forbid, never runs a second Job while one is active', async () => {
    await apply(
      'forbid',
      CRONJOB('forbid', '\n  concurrencyPolicy: Forbid', '{"sim.kubexpect.io/run-seconds": "300"}'),
    );
    await until('the first Job', async () => jobsOf('forbid').length === 1, 20_000);
    await new Promise((r) => setTimeout(r, 2500)); // more than three scheduled minutes
    expect(jobsOf('forbid')).to.have.length(1);
    const cj = JSON.parse(await run('get', 'cronjob', 'forbid', '-o', 'json'));
    expect(cj.status.active).to.have.length(1);
    expect(cj.status.active[0]).to.include({ kind: 'Job', name: jobsOf('forbid')[0]!.metadata.name });
  });

  it('with concurrencyPolicy Replace, deletes the running Job when the next one starts', async () => {
    await apply(
      'replace',
      CRONJOB('replace', '\n  concurrencyPolicy: Replace', '{"sim.kubexpect.io/run-seconds": "300"}'),
    );
    await until('the first Job', async () => jobsOf('replace').length >= 1, 20_000);
    const first = jobsOf('replace')[0]!.metadata.name;
    await until(
      'a second Job replacing the first',
      async () => jobsOf('replace').some((j) => j.metadata.name !== first),
      20_000,
    );
    await until(
      'the first Job gone',
      async () => !jobsOf('replace').some((j) => j.metadata.name === first),
      20_000,
    );
    const cj = JSON.parse(await run('get', 'cronjob', 'replace', '-o', 'json'));
    expect(cj.status.active).to.have.length(1);
    expect(cj.status.active[0].name).to.not.equal(first);
  });

  it('a suspended CronJob creates nothing', async () => {
    await apply('paused', CRONJOB('paused', '\n  suspend: true'));
    await new Promise((r) => setTimeout(r, 2000));
    expect(jobsOf('paused')).to.deep.equal([]);
    expect(await run('get', 'cronjob', 'paused')).to.match(
      /\npaused\s+\* \* \* \* \*\s+<none>\s+True\s+0\s+<none>\s+\d+s\n$/,
    );
  });

  it("refuses an invalid schedule with robfig/cron's message", async () => {
    const path = join(kubectl.dir, 'bad.yaml');
    await writeFile(path, CRONJOB('bad', '').replace('"* * * * *"', '"every minute"'));
    const out = await kubectl.run(['apply', '-f', path]);
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include(
      'The CronJob "bad" is invalid: spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]',
    );
  });
});
