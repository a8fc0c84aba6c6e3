/**
 * The status of a Deployment as kubectl rollout status reads it: counts summed over its ReplicaSets,
 * observedGeneration, and the Available, Progressing and ReplicaFailure conditions with the real
 * controller's reasons and messages (a table, below); ProgressDeadlineExceeded once no progress was
 * made for progressDeadlineSeconds (realistic seconds, scaled).
 */
import type { KObject } from '../api/types.ts';
import { timestamp } from '../api/types.ts';
import { fenceposts, SOURCE, spec, view } from './deployment-spec.ts';
import { keyOf, type SimRuntime } from './runtime.ts';
import { writeStatus } from './workload-helpers.ts';

/** The conditions' reasons and messages, as the real controller writes them. */
const CONDITIONS = {
  available: ['Available', 'True', 'MinimumReplicasAvailable', () => 'Deployment has minimum availability.'],
  unavailable: [
    'Available',
    'False',
    'MinimumReplicasUnavailable',
    () => 'Deployment does not have minimum availability.',
  ],
  created: ['Progressing', 'True', 'NewReplicaSetCreated', (rs: string) => `Created new replica set "${rs}"`],
  found: ['Progressing', 'True', 'FoundNewReplicaSet', (rs: string) => `Found new replica set "${rs}"`],
  updated: ['Progressing', 'True', 'ReplicaSetUpdated', (rs: string) => `ReplicaSet "${rs}" is progressing.`],
  complete: [
    'Progressing',
    'True',
    'NewReplicaSetAvailable',
    (rs: string) => `ReplicaSet "${rs}" has successfully progressed.`,
  ],
  timedOut: [
    'Progressing',
    'False',
    'ProgressDeadlineExceeded',
    (rs: string) => `ReplicaSet "${rs}" has timed out progressing.`,
  ],
  paused: ['Progressing', 'Unknown', 'DeploymentPaused', () => 'Deployment is paused'],
  resumed: ['Progressing', 'Unknown', 'DeploymentResumed', () => 'Deployment is resumed'],
} as const;

type ConditionName = keyof typeof CONDITIONS;

interface Condition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface DeploymentStatus {
  /** Writes the status from the ReplicaSets; `event` says a new ReplicaSet was just created. */
  sync(d: KObject, newRs: KObject | undefined, old: KObject[], event: 'created' | undefined): void;
  /** Forgets a deleted Deployment. */
  forget(uid: string): void;
}

/** `requeue` asks for another sync of a Deployment after a realistic delay (the deadline check). */
export function deploymentStatus(
  runtime: SimRuntime,
  requeue: (key: string, realisticMs: number) => void,
): DeploymentStatus {
  const api = runtime.api;
  const dRt = api.resource('apps', 'deployments');
  /** When each Deployment (by uid) last made progress, in wall-clock ms. */
  const lastProgress = new Map<string, number>();

  function syncStatus(
    d: KObject,
    newRs: KObject | undefined,
    old: KObject[],
    event: 'created' | undefined,
  ): void {
    const current = api.find(dRt, d.metadata.namespace, d.metadata.name!);
    if (!current) return;
    const desired = spec(current).replicas ?? 1;
    const all = [...(newRs ? [newRs] : []), ...old].map(view);
    const replicas = all.reduce((n, v) => n + v.statusReplicas, 0);
    const ready = all.reduce((n, v) => n + v.ready, 0);
    const available = all.reduce((n, v) => n + v.available, 0);
    const updated = newRs ? view(newRs).statusReplicas : 0;
    const previous = (current.status ?? {}) as { conditions?: Condition[]; collisionCount?: number };
    const status: Record<string, unknown> = {
      observedGeneration: current.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
    };
    const unavailable = Math.max(0, desired - available);
    if (unavailable > 0) status.unavailableReplicas = unavailable;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
      if (status[k] === 0) delete status[k];
    if (previous.collisionCount) status.collisionCount = previous.collisionCount;
    const conditions = [...(previous.conditions ?? [])];
    const now = timestamp(api.now());
    const set = (which: ConditionName, rsName = '') => {
      const [type, st, reason, message] = CONDITIONS[which];
      const text = message(rsName);
      const i = conditions.findIndex((c) => c.type === type);
      const prev = i >= 0 ? conditions[i] : undefined;
      if (prev && prev.status === st && prev.reason === reason && prev.message === text) return;
      const next: Condition = {
        type,
        status: st,
        lastUpdateTime: now,
        lastTransitionTime: prev && prev.status === st ? prev.lastTransitionTime : now,
        reason,
        message: text,
      };
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
    };
    const { unavailable: maxUnavailable } = fenceposts(current);
    set(available >= desired - maxUnavailable ? 'available' : 'unavailable');
    const rsName = newRs?.metadata.name ?? '';
    const complete =
      updated === desired && replicas === desired && available === desired && !spec(current).paused;
    const progressing = conditions.find((c) => c.type === 'Progressing');
    if (spec(current).paused) {
      set('paused');
    } else if (progressing?.reason === 'DeploymentPaused') {
      set('resumed');
    } else if (newRs) {
      // Progress (or a new ReplicaSet) restarts the deadline; the sync then checks it.
      const deadlineMs = (spec(current).progressDeadlineSeconds ?? 600) * 1000 + 1;
      const progressed = () => {
        lastProgress.set(current.metadata.uid!, api.now().getTime());
        requeue(keyOf(current), deadlineMs);
      };
      if (complete) set('complete', rsName);
      else if (event === 'created') {
        set('created', rsName);
        progressed();
      } else if (
        madeProgress(current.status, status) ||
        !progressing ||
        !progressing.message.includes(`"${rsName}"`)
      ) {
        set('updated', rsName);
        progressed();
      } else if (progressing.reason !== 'ProgressDeadlineExceeded') {
        checkDeadline(current, progressing, rsName, set);
      }
    }
    // A ReplicaSet that cannot create pods shows through as the Deployment's ReplicaFailure.
    const failure = [...(newRs ? [newRs] : []), ...old]
      .flatMap((rs) => ((rs.status ?? {}) as { conditions?: Condition[] }).conditions ?? [])
      .find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    const at = conditions.findIndex((c) => c.type === 'ReplicaFailure');
    if (failure) {
      const prev = at >= 0 ? conditions[at] : undefined;
      const next: Condition = {
        type: 'ReplicaFailure',
        status: 'True',
        lastUpdateTime: prev?.message === failure.message ? prev.lastUpdateTime : now,
        lastTransitionTime: prev?.lastTransitionTime ?? now,
        reason: failure.reason,
        message: failure.message,
      };
      if (at >= 0) conditions[at] = next;
      else conditions.push(next);
    } else if (at >= 0) conditions.splice(at, 1);
    // Available comes before Progressing once both exist, as kubectl shows them.
    conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
    if (conditions.length > 0) status.conditions = conditions;
    writeStatus(runtime, dRt, current, status);
  }

  /** deploymentutil.DeploymentProgressing: more updated, ready or available pods, or fewer old ones. */
  function madeProgress(before: unknown, after: Record<string, unknown>): boolean {
    const b = (before ?? {}) as Record<string, number | undefined>;
    const a = after as Record<string, number | undefined>;
    const n = (v: number | undefined) => v ?? 0;
    return (
      n(a.updatedReplicas) > n(b.updatedReplicas) ||
      n(a.replicas) - n(a.updatedReplicas) < n(b.replicas) - n(b.updatedReplicas) ||
      n(a.readyReplicas) > n(b.readyReplicas) ||
      n(a.availableReplicas) > n(b.availableReplicas)
    );
  }

  /** ProgressDeadlineExceeded once no progress was made for progressDeadlineSeconds (realistic, scaled). */
  function checkDeadline(
    d: KObject,
    progressing: Condition,
    rsName: string,
    set: (which: ConditionName, rs?: string) => void,
  ): void {
    const deadline = spec(d).progressDeadlineSeconds ?? 600;
    // Timestamps have whole seconds, too coarse once scaled: the last progress is kept in memory.
    const last = lastProgress.get(d.metadata.uid!) ?? Date.parse(progressing.lastUpdateTime);
    const since = (api.now().getTime() - last) / runtime.timeScale;
    const left = deadline * 1000 - since;
    if (left <= 0) {
      set('timedOut', rsName);
      runtime.events.record(
        d,
        'Warning',
        'ProgressDeadlineExceeded',
        `Deployment "${d.metadata.name}" has timed out progressing.`,
        SOURCE,
      );
    } else requeue(keyOf(d), left + 1);
  }

  return { sync: syncStatus, forget: (uid) => lastProgress.delete(uid) };
}
