/**
 * The Job controller (batch/v1): creates pods from the template up to parallelism, counts the
 * pods that succeed or fail, and ends the Job Complete (SuccessCriteriaMet, then Complete, with
 * completionTime) or Failed once the backoff limit or activeDeadlineSeconds is passed; with
 * ttlSecondsAfterFinished, a finished Job is deleted (foreground) when its time is up.
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { type PodSpec, isPodReady, isTerminal, podStatus } from './kube-types.ts';
import { type Latencies, drawLatency } from './latencies.ts';
import { createOwnedPod, deleteOwnedPod } from './owned-pods.ts';
import { controllerRef, isControlledBy } from './owners.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from './runtime.ts';
import { initStableRandom, stableSuffix } from './stable-random.ts';

export interface JobControllerOptions {
  latencies: Latencies;
}

interface JobSpecShape {
  completions?: number | null;
  parallelism?: number;
  backoffLimit?: number;
  suspend?: boolean;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: PodSpec;
  };
}

interface JobCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

interface JobStatusShape {
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: Record<string, unknown>;
}

const SOURCE = { component: 'job-controller' };

const finished = (status: JobStatusShape) =>
  (status.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );

export function jobController(options: JobControllerOptions): Controller {
  return {
    name: 'job-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const jobsRt = api.resource('batch', 'jobs');
      const jobs = runtime.informer('batch', 'jobs');
      const pods = runtime.informer('', 'pods');
      /** Pods counted as succeeded or failed, by job uid: a deleted pod stays counted. */
      const counted = new Map<string, { succeeded: Set<string>; failed: Set<string> }>();
      const created = new Map<string, number>();
      /** When this controller first saw each job (wall ms): the clock of activeDeadlineSeconds. */
      const firstSeen = new Map<string, number>();
      /** When each job was first seen finished (wall ms): the clock of ttlSecondsAfterFinished. */
      const finishedSeen = new Map<string, number>();
      /** Pods created but not yet seen by the informer (the real controller's "expectations"). */
      const expected = new Map<string, Set<string>>();

      const queue = runtime.queue('job-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'job', key, String(created.get(key) ?? 0)),
        );
      jobs.on((type, job) => {
        if (type === 'DELETED') {
          counted.delete(job.metadata.uid!);
          firstSeen.delete(job.metadata.uid!);
          finishedSeen.delete(job.metadata.uid!);
          expected.delete(keyOf(job));
        } else enqueue(keyOf(job));
      });
      pods.on((_type, pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind !== 'Job' || !ref.apiVersion.startsWith('batch/')) return;
        const key = `${pod.metadata.namespace}/${ref.name}`;
        expected.get(key)?.delete(pod.metadata.name!);
        enqueue(key);
      }, false);

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const job = jobs.get(namespace, name);
        if (!job || job.metadata.deletionTimestamp) return;
        const spec = (job.spec ?? {}) as JobSpecShape;
        const status = { ...((job.status ?? {}) as JobStatusShape) };
        if (finished(status)) {
          expireAfterFinished(key, job, spec);
          return;
        }
        const uid = job.metadata.uid!;
        if (!firstSeen.has(uid)) firstSeen.set(uid, Date.now());
        const deadlineMs =
          spec.activeDeadlineSeconds !== undefined ? spec.activeDeadlineSeconds * 1000 : undefined;
        const activeMs = (Date.now() - firstSeen.get(uid)!) / runtime.timeScale;
        const pastDeadline = deadlineMs !== undefined && activeMs >= deadlineMs;
        if (deadlineMs !== undefined && !pastDeadline) queue.addAfter(key, deadlineMs - activeMs);
        const owned = pods.list(namespace).filter((p) => isControlledBy(p, job));
        const tally = counted.get(job.metadata.uid!) ?? {
          succeeded: new Set<string>(),
          failed: new Set<string>(),
        };
        counted.set(job.metadata.uid!, tally);
        for (const p of owned) {
          const phase = podStatus(p).phase;
          if (phase === 'Succeeded') tally.succeeded.add(p.metadata.uid!);
          if (phase === 'Failed') tally.failed.add(p.metadata.uid!);
        }
        const pending = expected.get(key) ?? new Set<string>();
        for (const p of owned) pending.delete(p.metadata.name!);
        const live = owned.filter((p) => !isTerminal(p));
        const active = live.filter((p) => !p.metadata.deletionTimestamp);
        const now = timestamp(api.now());
        const succeeded = Math.max(tally.succeeded.size, status.succeeded ?? 0);
        const failed = Math.max(tally.failed.size, status.failed ?? 0);
        const completions = spec.completions ?? undefined;
        const parallelism = spec.parallelism ?? 1;
        const backoffLimit = spec.backoffLimit ?? 6;
        status.startTime ??= now;
        const condition = (type: string, reason: string, message: string): JobCondition => ({
          type,
          status: 'True',
          reason,
          message,
          lastProbeTime: now,
          lastTransitionTime: now,
        });
        /** Ends the Job Failed (FailureTarget, then Failed) and stops its running pods. */
        const fail = (reason: string, message: string) => {
          status.conditions = [
            ...(status.conditions ?? []),
            condition('FailureTarget', reason, message),
            condition('Failed', reason, message),
          ];
          for (const p of active) deletePod(job, p);
          runtime.events.record(job, 'Warning', reason, message, SOURCE);
        };
        const complete =
          completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
        if (complete) {
          status.conditions = [
            ...(status.conditions ?? []),
            condition(
              'SuccessCriteriaMet',
              'CompletionsReached',
              'Reached expected number of succeeded pods',
            ),
            condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          ];
          status.completionTime = now;
          runtime.events.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
        } else if (pastDeadline) {
          fail('DeadlineExceeded', 'Job was active longer than specified deadline');
        } else if (failed > backoffLimit) {
          fail('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
        } else if (!spec.suspend) {
          const wanted =
            completions !== undefined ? Math.min(parallelism, completions - succeeded) : parallelism;
          for (let i = live.length + pending.size; i < wanted; i++) {
            const podName = createPod(key, job, spec);
            if (podName) pending.add(podName);
          }
        }
        expected.set(key, pending);
        const done = finished(status);
        status.active = done ? 0 : active.length + pending.size;
        status.ready = done ? 0 : active.filter(isPodReady).length;
        status.succeeded = succeeded;
        status.failed = failed;
        status.terminating = live.length - active.length;
        status.uncountedTerminatedPods = {};
        if (!status.succeeded) delete status.succeeded;
        if (!status.failed) delete status.failed;
        if (JSON.stringify(status) === JSON.stringify(job.status ?? {})) return;
        const fresh = api.find(jobsRt, namespace, name);
        if (!fresh || fresh.metadata.uid !== job.metadata.uid) return;
        api.update(
          jobsRt,
          namespace,
          name,
          { ...fresh, status },
          { subresource: 'status', fieldManager: 'kube-controller-manager' },
        );
      }

      /** The TTL-after-finished controller: a finished Job with ttlSecondsAfterFinished goes (foreground) when it expires. */
      function expireAfterFinished(key: string, job: KObject, spec: JobSpecShape): void {
        const ttl = spec.ttlSecondsAfterFinished;
        if (ttl === undefined || ttl < 0) return;
        const finishedAt = ((job.status ?? {}) as JobStatusShape).conditions?.find(
          (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
        )?.lastTransitionTime;
        if (!finishedAt) return;
        const doneUid = job.metadata.uid!;
        const since = finishedSeen.get(doneUid) ?? Date.now();
        finishedSeen.set(doneUid, since);
        const leftMs = ttl * 1000 - (Date.now() - since) / runtime.timeScale;
        if (leftMs > 0) {
          queue.addAfter(key, leftMs);
          return;
        }
        try {
          api.delete(jobsRt, job.metadata.namespace, job.metadata.name!, {
            propagationPolicy: 'Foreground',
            preconditions: { uid: doneUid },
          });
        } catch (err) {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        }
      }

      function createPod(key: string, job: KObject, spec: JobSpecShape): string | undefined {
        const template = spec.template ?? {};
        const nextSuffix = () => {
          const n = created.get(key) ?? 0;
          created.set(key, n + 1);
          return stableSuffix(runtime, key, String(n));
        };
        return createOwnedPod(
          runtime,
          job,
          {
            labels: { ...template.metadata?.labels },
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            spec: structuredClone(template.spec ?? {}),
          },
          nextSuffix,
          SOURCE,
        );
      }

      function deletePod(job: KObject, pod: KObject): void {
        deleteOwnedPod(runtime, job, pod, SOURCE);
      }
    },
  };
}
