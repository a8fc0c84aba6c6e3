/**
 * The Deployment controller (apps/v1), as seen through the API: one ReplicaSet per pod template
 * (`<name>-<pod-template-hash>`, the hash label on its selector and pods), revisions in the
 * `deployment.kubernetes.io/revision` annotations so `kubectl rollout history|undo` work, a rolling
 * update bounded by maxSurge/maxUnavailable or a Recreate, old ReplicaSets pruned past
 * revisionHistoryLimit, and the status `kubectl rollout status` reads: observedGeneration,
 * replicas/updated/ready/available/unavailable and the Available and Progressing conditions.
 */
import type { KObject } from '../api/types.ts';
import { timestamp } from '../api/types.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import { controllerRef, ownedBy } from './owners.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';
import {
  claimObjects,
  computeHash,
  ignoringRaces,
  isActive,
  MANAGER,
  sameValue,
  scaledValue,
  semantic,
  writeStatus,
} from './workload-helpers.ts';

export interface DeploymentControllerOptions {
  latencies: Latencies;
}

const SOURCE = { component: 'deployment-controller' };
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** Deployment annotations not copied to its ReplicaSets (deploymentutil.skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

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

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
}

interface ReplicaSetView {
  obj: KObject;
  replicas: number;
  statusReplicas: number;
  ready: number;
  available: number;
  revision: number;
}

const spec = (d: KObject) => (d.spec ?? {}) as DeploymentSpec;

function view(rs: KObject): ReplicaSetView {
  const s = (rs.status ?? {}) as { replicas?: number; readyReplicas?: number; availableReplicas?: number };
  return {
    obj: rs,
    replicas: (rs.spec as { replicas?: number } | undefined)?.replicas ?? 0,
    statusReplicas: s.replicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
    revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0,
  };
}

/** The template without the pod-template-hash label, for comparing a ReplicaSet's with the Deployment's. */
function withoutHash(template: unknown): unknown {
  const t = structuredClone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return semantic(t);
}

/** maxSurge and maxUnavailable as pod counts (deploymentutil.ResolveFenceposts). */
function fenceposts(d: KObject): { surge: number; unavailable: number } {
  const s = spec(d);
  const replicas = s.replicas ?? 1;
  if (s.strategy?.type === 'Recreate') return { surge: 0, unavailable: replicas };
  const surge = scaledValue(s.strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, true);
  const unavailable = scaledValue(s.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function deploymentController(options: DeploymentControllerOptions): Controller {
  return {
    name: 'deployment-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const dRt = api.resource('apps', 'deployments');
      const rsRt = api.resource('apps', 'replicasets');
      const podsRt = api.resource('', 'pods');
      const deployments = runtime.informer('apps', 'deployments');
      const replicaSets = runtime.informer('apps', 'replicasets');
      let syncs = 0;
      /** When each Deployment (by uid) last made progress, in wall-clock ms. */
      const lastProgress = new Map<string, number>();

      const queue = runtime.queue('deployment-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'deployment', key, String(syncs++)),
        );
      deployments.on((type, d) => {
        if (type !== 'DELETED') enqueue(keyOf(d));
        else lastProgress.delete(d.metadata.uid!);
      });
      replicaSets.on((_type, rs) => {
        const ref = controllerRef(rs);
        if (ref?.kind === 'Deployment') enqueue(`${rs.metadata.namespace}/${ref.name}`);
      }, false);
      // A Recreate waits for the old pods to be gone, which changes no ReplicaSet: watch them go.
      runtime.informer('', 'pods').on((type, pod) => {
        const ref = controllerRef(pod);
        if (type !== 'DELETED' || ref?.kind !== 'ReplicaSet') return;
        const owner = controllerRef(replicaSets.get(pod.metadata.namespace, ref.name) ?? { metadata: {} });
        if (owner?.kind === 'Deployment') enqueue(`${pod.metadata.namespace}/${owner.name}`);
      }, false);

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const d = api.find(dRt, namespace, name);
        if (!d || d.metadata.deletionTimestamp) return;
        const all = claimObjects(runtime, rsRt, d).filter((rs) => !rs.metadata.deletionTimestamp);
        let newRs = all.find((rs) =>
          sameValue(
            withoutHash((rs.spec as { template?: unknown } | undefined)?.template),
            withoutHash(spec(d).template),
          ),
        );
        const old = all.filter((rs) => rs !== newRs);
        if (spec(d).paused) {
          syncStatus(d, newRs, old, undefined);
          return;
        }
        let createdRs = false;
        const maxOldRevision = Math.max(0, ...old.map((rs) => view(rs).revision));
        if (!newRs) {
          newRs = createReplicaSet(d, old, maxOldRevision + 1);
          if (!newRs) return;
          createdRs = true;
        } else {
          newRs = syncRevision(d, newRs, maxOldRevision);
        }
        if (spec(d).strategy?.type === 'Recreate') recreate(d, newRs, old);
        else rollingUpdate(d, newRs, old);
        cleanup(d, old);
        setDeploymentRevision(d, view(newRs).revision);
        const fresh = all
          .map((rs) => api.find(rsRt, rs.metadata.namespace, rs.metadata.name!))
          .filter((r): r is KObject => !!r);
        const freshNew = api.find(rsRt, namespace, newRs.metadata.name!) ?? newRs;
        syncStatus(
          d,
          freshNew,
          fresh.filter((rs) => rs.metadata.uid !== freshNew.metadata.uid),
          createdRs ? 'created' : undefined,
        );
      }

      /** Keeps the new ReplicaSet's revision above every old one's (a rollback makes an old template new again). */
      function syncRevision(d: KObject, rs: KObject, maxOldRevision: number): KObject {
        const current = view(rs).revision;
        const annotations = { ...rs.metadata.annotations };
        const { surge } = fenceposts(d);
        const replicas = spec(d).replicas ?? 1;
        if (current <= maxOldRevision) {
          annotations[REVISION] = String(maxOldRevision + 1);
          if (current > 0) {
            const history = annotations[REVISION_HISTORY];
            annotations[REVISION_HISTORY] = history ? `${history},${current}` : String(current);
          }
        }
        for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
          if (!NOT_COPIED.has(k)) annotations[k] = v;
        annotations[DESIRED] = String(replicas);
        annotations[MAX_REPLICAS] = String(replicas + surge);
        if (sameValue(annotations, rs.metadata.annotations ?? {})) return rs;
        return (
          ignoringRaces(() =>
            api.update(
              rsRt,
              rs.metadata.namespace,
              rs.metadata.name!,
              { ...rs, metadata: { ...rs.metadata, annotations } },
              MANAGER,
            ),
          ) ?? rs
        );
      }

      function createReplicaSet(d: KObject, old: KObject[], revision: number): KObject | undefined {
        const s = spec(d);
        const replicas = s.replicas ?? 1;
        const { surge } = fenceposts(d);
        let collisions = ((d.status ?? {}) as { collisionCount?: number }).collisionCount ?? 0;
        for (let attempt = 0; attempt < 5; attempt++) {
          const hash = computeHash(semantic(s.template), collisions);
          const template = structuredClone(s.template ?? {});
          template.metadata = {
            ...template.metadata,
            labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
          };
          const annotations: Record<string, string> = {};
          for (const [k, v] of Object.entries(d.metadata.annotations ?? {}))
            if (!NOT_COPIED.has(k)) annotations[k] = v;
          annotations[DESIRED] = String(replicas);
          annotations[MAX_REPLICAS] = String(replicas + surge);
          annotations[REVISION] = String(revision);
          // Scaled up at once when nothing else runs; otherwise the rollout below grows it.
          const oldPods = old.reduce((n, rs) => n + view(rs).replicas, 0);
          const initial = s.strategy?.type === 'Recreate' || oldPods > 0 ? 0 : replicas;
          const name = `${d.metadata.name}-${hash}`;
          const body = {
            metadata: {
              name,
              namespace: d.metadata.namespace,
              labels: { ...s.template?.metadata?.labels, [HASH_LABEL]: hash },
              annotations,
              ownerReferences: [ownedBy(d)],
            },
            spec: {
              replicas: initial,
              minReadySeconds: s.minReadySeconds ?? 0,
              selector: {
                ...s.selector,
                matchLabels: { ...s.selector?.matchLabels, [HASH_LABEL]: hash },
              },
              template,
            },
          };
          const existing = api.find(rsRt, d.metadata.namespace, name);
          if (existing) {
            // The same name with another template: a hash collision; count it and try the next hash.
            collisions++;
            writeStatus(runtime, dRt, d, { ...(d.status as object), collisionCount: collisions });
            continue;
          }
          const rs = api.create(rsRt, d.metadata.namespace, body, MANAGER);
          if (initial > 0) scaledEvent(d, rs, 0, initial);
          return rs;
        }
        return undefined;
      }

      function scale(d: KObject, rs: KObject, replicas: number): KObject {
        const from = view(rs).replicas;
        if (from === replicas) return rs;
        const { surge } = fenceposts(d);
        const desired = spec(d).replicas ?? 1;
        const annotations = {
          ...rs.metadata.annotations,
          [DESIRED]: String(desired),
          [MAX_REPLICAS]: String(desired + surge),
        };
        const updated = ignoringRaces(() =>
          api.update(
            rsRt,
            rs.metadata.namespace,
            rs.metadata.name!,
            { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...(rs.spec as object), replicas } },
            MANAGER,
          ),
        );
        if (!updated) return rs;
        scaledEvent(d, updated, from, replicas);
        return updated;
      }

      function scaledEvent(d: KObject, rs: KObject, from: number, to: number): void {
        const direction = to > from ? 'up' : 'down';
        runtime.events.record(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${to}`,
          SOURCE,
        );
      }

      /** RollingUpdate: grow the new ReplicaSet within maxSurge, shrink old ones keeping replicas - maxUnavailable available. */
      function rollingUpdate(d: KObject, newRs: KObject, old: KObject[]): void {
        const replicas = spec(d).replicas ?? 1;
        const { surge, unavailable } = fenceposts(d);
        const total = () => [newRs, ...old].reduce((n, rs) => n + view(rs).replicas, 0);
        // Scale up the new ReplicaSet.
        const newView = view(newRs);
        if (newView.replicas > replicas) {
          newRs = scale(d, newRs, replicas);
        } else if (newView.replicas < replicas) {
          const room = replicas + surge - total();
          if (room > 0) newRs = scale(d, newRs, Math.min(replicas, newView.replicas + room));
        }
        // Scale down old ReplicaSets.
        const minAvailable = replicas - unavailable;
        const newUnavailable = view(newRs).replicas - view(newRs).available;
        let budget = total() - minAvailable - newUnavailable;
        const oldest = [...old].sort((a, b) => view(a).revision - view(b).revision);
        // First the old pods that are not available: removing them costs nothing.
        for (let i = 0; i < oldest.length && budget > 0; i++) {
          const v = view(oldest[i]!);
          const unhealthy = Math.min(budget, v.replicas - v.available);
          if (unhealthy <= 0) continue;
          oldest[i] = scale(d, oldest[i]!, v.replicas - unhealthy);
          budget -= unhealthy;
        }
        const availableNow = [newRs, ...oldest].reduce((n, rs) => n + view(rs).available, 0);
        let down = Math.min(budget, availableNow - minAvailable);
        for (let i = 0; i < oldest.length && down > 0; i++) {
          const v = view(oldest[i]!);
          const by = Math.min(down, v.replicas);
          if (by <= 0) continue;
          oldest[i] = scale(d, oldest[i]!, v.replicas - by);
          down -= by;
        }
      }

      /** Recreate: every old pod goes first; the new ReplicaSet grows only once none runs. */
      function recreate(d: KObject, newRs: KObject, old: KObject[]): void {
        for (const rs of old) if (view(rs).replicas > 0) scale(d, rs, 0);
        const oldUids = new Set(old.map((rs) => rs.metadata.uid));
        const oldPodsLeft = api
          .list(podsRt, d.metadata.namespace)
          .items.some(
            (p) => oldUids.has(controllerRef(p)?.uid) && (isActive(p) || p.metadata.deletionTimestamp),
          );
        if (!oldPodsLeft) scale(d, newRs, spec(d).replicas ?? 1);
      }

      /** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
      function cleanup(d: KObject, old: KObject[]): void {
        const limit = spec(d).revisionHistoryLimit ?? 10;
        const idle = old
          .map((rs) => api.find(rsRt, rs.metadata.namespace, rs.metadata.name!))
          .filter((rs): rs is KObject => !!rs && view(rs).replicas === 0 && view(rs).statusReplicas === 0)
          .sort((a, b) => view(a).revision - view(b).revision);
        for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
          ignoringRaces(() =>
            api.delete(rsRt, rs.metadata.namespace, rs.metadata.name!, {
              preconditions: { uid: rs.metadata.uid! },
            }),
          );
        }
      }

      function setDeploymentRevision(d: KObject, revision: number): void {
        const current = api.find(dRt, d.metadata.namespace, d.metadata.name!);
        if (!current || current.metadata.annotations?.[REVISION] === String(revision)) return;
        const annotations = { ...current.metadata.annotations, [REVISION]: String(revision) };
        ignoringRaces(() =>
          api.update(
            dRt,
            d.metadata.namespace,
            d.metadata.name!,
            { ...current, metadata: { ...current.metadata, annotations } },
            MANAGER,
          ),
        );
      }

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
            queue.addAfter(keyOf(current), deadlineMs);
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
        } else queue.addAfter(keyOf(d), left + 1);
      }
    },
  };
}
