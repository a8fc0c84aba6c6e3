/**
 * The CronJob controller (batch/v1): creates a Job `<cronjob>-<minutes since the epoch>` for each
 * scheduled time, honouring suspend, concurrencyPolicy (Allow, Forbid, Replace) and
 * startingDeadlineSeconds, keeps status.active, lastScheduleTime and lastSuccessfulTime, and prunes
 * finished Jobs beyond the history limits. Schedules run on the cluster's time scale: the cron
 * clock starts at the controller's start and runs 1/timeScale times faster than the wall clock, so
 * a `*\/5 * * * *` CronJob fires every 3 s at a time scale of 0.01. Time zones other than UTC are
 * read as UTC.
 */
import type { KObject } from '../api/types.ts';
import { timestamp } from '../api/types.ts';
import { type CronSchedule, nextRun, parseCronSchedule } from '../resources/cron-schedule.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import { controllerRef, ownedBy } from './owners.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';
import { ignoringRaces, MANAGER, writeStatus } from './workload-helpers.ts';

export interface CronJobControllerOptions {
  latencies: Latencies;
}

const SOURCE = { component: 'cronjob-controller' };
const SCHEDULED_AT = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

interface CronJobSpec {
  schedule?: string;
  suspend?: boolean;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: object;
  };
}

interface CronJobStatus {
  active?: {
    kind: string;
    namespace: string;
    name: string;
    uid: string;
    apiVersion: string;
    resourceVersion?: string;
  }[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** How a Job ended, from its conditions; undefined while it runs. */
function finishedAs(job: KObject): 'Complete' | 'Failed' | undefined {
  const conditions =
    ((job.status ?? {}) as { conditions?: { type: string; status: string }[] }).conditions ?? [];
  for (const c of conditions)
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

function completionTime(job: KObject): string | undefined {
  return (job.status as { completionTime?: string } | undefined)?.completionTime;
}

export function cronJobController(options: CronJobControllerOptions): Controller {
  return {
    name: 'cronjob-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const cronRt = api.resource('batch', 'cronjobs');
      const jobsRt = api.resource('batch', 'jobs');
      const cronJobs = runtime.informer('batch', 'cronjobs');
      const jobs = runtime.informer('batch', 'jobs');
      const startedAt = api.now().getTime();
      /** The cron clock: the wall clock from the start, sped up by the time scale. */
      const toCronClock = (wallMs: number) =>
        new Date(startedAt + (Math.max(wallMs, startedAt) - startedAt) / runtime.timeScale);
      const cronNow = () => toCronClock(api.now().getTime());
      let syncs = 0;

      const queue = runtime.queue('cronjob-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'cronjob', key, String(syncs++)),
        );
      cronJobs.on((type, cj) => {
        if (type !== 'DELETED') enqueue(keyOf(cj));
      });
      jobs.on((_type, job) => {
        const ref = controllerRef(job);
        if (ref?.kind === 'CronJob') enqueue(`${job.metadata.namespace}/${ref.name}`);
      }, false);

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const cj = api.find(cronRt, namespace, name);
        if (!cj || cj.metadata.deletionTimestamp) return;
        const spec = (cj.spec ?? {}) as CronJobSpec;
        const previous = (cj.status ?? {}) as CronJobStatus;
        const status: CronJobStatus = { ...previous };
        const owned = api
          .list(jobsRt, namespace)
          .items.filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
        const running = owned.filter((j) => !finishedAs(j) && !j.metadata.deletionTimestamp);
        for (const job of owned) {
          const wasActive = (previous.active ?? []).some((a) => a.uid === job.metadata.uid);
          const outcome = finishedAs(job);
          if (!outcome || !wasActive) continue;
          runtime.events.record(
            cj,
            'Normal',
            'SawCompletedJob',
            `Saw completed job: ${job.metadata.name}, condition: ${outcome}`,
            SOURCE,
          );
          const done = completionTime(job);
          if (
            outcome === 'Complete' &&
            done &&
            (!status.lastSuccessfulTime || done > status.lastSuccessfulTime)
          ) {
            status.lastSuccessfulTime = done;
          }
        }
        setActive(status, running);
        pruneHistory(cj, spec, owned);

        let schedule: CronSchedule;
        try {
          schedule = parseCronSchedule(spec.schedule ?? '');
        } catch {
          writeStatus(runtime, cronRt, cj, status);
          return;
        }
        const now = cronNow();
        if (!spec.suspend) {
          // Scheduled times live on the cron clock; the creation time is converted to it.
          const since = status.lastScheduleTime
            ? new Date(status.lastScheduleTime)
            : toCronClock(Date.parse(cj.metadata.creationTimestamp ?? api.now().toISOString()));
          const due = mostRecentDue(schedule, since, now);
          if (due) {
            const late = (now.getTime() - due.getTime()) / 1000;
            if (spec.startingDeadlineSeconds !== undefined && late > spec.startingDeadlineSeconds) {
              runtime.events.record(
                cj,
                'Warning',
                'MissSchedule',
                `Missed scheduled time to start a job: ${due.toISOString()}`,
                SOURCE,
              );
              status.lastScheduleTime = timestamp(due);
            } else if (spec.concurrencyPolicy === 'Forbid' && running.length > 0) {
              runtime.events.record(
                cj,
                'Normal',
                'JobAlreadyActive',
                'Not starting job because prior execution is running and concurrency policy is Forbid',
                SOURCE,
              );
            } else {
              if (spec.concurrencyPolicy === 'Replace') {
                for (const job of running) deleteJob(cj, job);
                setActive(status, []);
              }
              const job = createJob(cj, spec, due);
              if (job) {
                status.active = [...(status.active ?? []), reference(job)];
                status.lastScheduleTime = timestamp(due);
              }
            }
          }
          const next = nextRun(schedule, now);
          if (next) queue.addAfter(key, next.getTime() - now.getTime() + 1);
        }
        if (!status.active?.length) delete status.active;
        writeStatus(runtime, cronRt, cj, status);
      }

      /** The latest scheduled time in (since, now], if any. */
      function mostRecentDue(schedule: CronSchedule, since: Date, now: Date): Date | undefined {
        let due: Date | undefined;
        for (let t = nextRun(schedule, since); t && t <= now; t = nextRun(schedule, t)) due = t;
        return due;
      }

      function reference(job: KObject) {
        return {
          kind: 'Job',
          namespace: job.metadata.namespace!,
          name: job.metadata.name!,
          uid: job.metadata.uid!,
          apiVersion: 'batch/v1',
          resourceVersion: job.metadata.resourceVersion,
        };
      }

      function setActive(status: CronJobStatus, running: KObject[]): void {
        const kept = (status.active ?? []).filter((a) => running.some((j) => j.metadata.uid === a.uid));
        for (const job of running)
          if (!kept.some((a) => a.uid === job.metadata.uid)) kept.push(reference(job));
        status.active = kept;
      }

      function createJob(cj: KObject, spec: CronJobSpec, scheduled: Date): KObject | undefined {
        const template = spec.jobTemplate ?? {};
        const name = `${cj.metadata.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
        if (api.find(jobsRt, cj.metadata.namespace, name)) return undefined;
        const job = api.create(
          jobsRt,
          cj.metadata.namespace,
          {
            metadata: {
              name,
              namespace: cj.metadata.namespace,
              labels: { ...template.metadata?.labels },
              annotations: { ...template.metadata?.annotations, [SCHEDULED_AT]: timestamp(scheduled) },
              ownerReferences: [ownedBy(cj)],
            },
            spec: structuredClone(template.spec ?? {}),
          },
          MANAGER,
        );
        runtime.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, SOURCE);
        return job;
      }

      function deleteJob(cj: KObject, job: KObject): void {
        const gone = ignoringRaces(() =>
          api.delete(jobsRt, job.metadata.namespace, job.metadata.name!, {
            propagationPolicy: 'Background',
            preconditions: { uid: job.metadata.uid! },
          }),
        );
        if (gone)
          runtime.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, SOURCE);
      }

      /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
      function pruneHistory(cj: KObject, spec: CronJobSpec, owned: KObject[]): void {
        const limits = {
          Complete: spec.successfulJobsHistoryLimit ?? 3,
          Failed: spec.failedJobsHistoryLimit ?? 1,
        };
        for (const outcome of ['Complete', 'Failed'] as const) {
          const finished = owned
            .filter((j) => finishedAs(j) === outcome && !j.metadata.deletionTimestamp)
            .sort((a, b) =>
              (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
            );
          for (const job of finished.slice(0, Math.max(0, finished.length - limits[outcome])))
            deleteJob(cj, job);
        }
      }
    },
  };
}
