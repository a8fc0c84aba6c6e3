/**
 * The Deployment controller (apps/v1), as seen through the API: one ReplicaSet per pod template
 * (`<name>-<pod-template-hash>`, the hash label on its selector and pods), revisions in the
 * `deployment.kubernetes.io/revision` annotations so `kubectl rollout history|undo` work, a rolling
 * update bounded by maxSurge/maxUnavailable or a Recreate, old ReplicaSets pruned past
 * revisionHistoryLimit, and the status `kubectl rollout status` reads: observedGeneration,
 * replicas/updated/ready/available/unavailable and the Available and Progressing conditions.
 */
import type { KObject } from '../api/types.ts';
import {
  DESIRED,
  fenceposts,
  HASH_LABEL,
  MAX_REPLICAS,
  NOT_COPIED,
  REVISION,
  REVISION_HISTORY,
  SOURCE,
  spec,
  view,
  withoutHash,
} from './deployment-spec.ts';
import { deploymentStatus } from './deployment-status.ts';
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
  semantic,
  writeStatus,
} from './workload-helpers.ts';

export interface DeploymentControllerOptions {
  latencies: Latencies;
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

      const queue = runtime.queue('deployment-controller', (key) => reconcile(key));
      const status = deploymentStatus(runtime, (key, ms) => queue.addAfter(key, ms));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'deployment', key, String(syncs++)),
        );
      deployments.on((type, d) => {
        if (type !== 'DELETED') enqueue(keyOf(d));
        else status.forget(d.metadata.uid!);
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
          status.sync(d, newRs, old, undefined);
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
        status.sync(
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
    },
  };
}
