/**
 * The StatefulSet controller (apps/v1), as seen through the API: pods `<set>-<ordinal>` with stable
 * names (a deleted pod comes back under its name with a new uid), created in order and each only
 * once the ones before it are Running and Ready (OrderedReady) or all at once (Parallel), removed
 * from the highest ordinal down; PVCs `<template>-<set>-<ordinal>` from volumeClaimTemplates,
 * created before their pod and reused by every later pod of that ordinal, deleted only as
 * persistentVolumeClaimRetentionPolicy says; ControllerRevisions holding each template (so `kubectl
 * rollout history|undo` work), a RollingUpdate from the highest ordinal down to the partition or
 * OnDelete, and the status `kubectl rollout status` reads (currentRevision/updateRevision, counts).
 */
import { StatusError } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { PodSpec, Volume } from './kube-types.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import { controllerRef, ownedBy } from './owners.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';
import { statefulSetClaims } from './statefulset-claims.ts';
import { statefulSetRevisions, templateOf } from './statefulset-revisions.ts';
import {
  claimName,
  isFailed,
  isRunningAndReady,
  isTerminating,
  ordinalOf,
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  REVISION_LABEL,
  SOURCE,
  spec,
} from './statefulset-spec.ts';
import { availability, claimObjects, ignoringRaces, MANAGER, writeStatus } from './workload-helpers.ts';

export interface StatefulSetControllerOptions {
  latencies: Latencies;
}

export function statefulSetController(options: StatefulSetControllerOptions): Controller {
  return {
    name: 'statefulset-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const setsRt = api.resource('apps', 'statefulsets');
      const podsRt = api.resource('', 'pods');
      const sets = runtime.informer('apps', 'statefulsets');
      const pods = runtime.informer('', 'pods');
      let syncs = 0;
      const history = statefulSetRevisions(runtime);
      const claims = statefulSetClaims(runtime, (set, prefix, err) => refused(set, prefix, err));

      const queue = runtime.queue('statefulset-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'statefulset', key, String(syncs++)),
        );
      sets.on((type, set) => {
        if (type !== 'DELETED') enqueue(keyOf(set));
      });
      pods.on((_type, pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind === 'StatefulSet') enqueue(`${pod.metadata.namespace}/${ref.name}`);
        else if (!ref) for (const set of sets.list(pod.metadata.namespace)) enqueue(keyOf(set));
      }, false);

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const set = api.find(setsRt, namespace, name);
        if (!set || set.metadata.deletionTimestamp) return;
        const { current, update, revisions } = history.sync(set);
        const owned = claimObjects(runtime, podsRt, set);
        claims.syncOwners(set, owned);
        updatePods(set, owned, current, update);
        const after = claimObjects(runtime, podsRt, set);
        const status = computeStatus(set, after, current, update);
        history.truncate(set, revisions, after, status);
        writeStatus(runtime, setsRt, set, status);
      }

      /** Creates, replaces, removes and updates pods, one step at a time when the policy is OrderedReady. */
      function updatePods(set: KObject, owned: KObject[], current: KObject, update: KObject): void {
        const s = spec(set);
        const replicas = s.replicas ?? 1;
        const start = s.ordinals?.start ?? 0;
        const monotonic = (s.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
        const byOrdinal = new Map<number, KObject>();
        const condemned: KObject[] = [];
        for (const pod of owned) {
          const ordinal = ordinalOf(set, pod);
          if (ordinal === undefined) continue;
          if (ordinal >= start && ordinal < start + replicas) byOrdinal.set(ordinal, pod);
          else condemned.push(pod);
        }
        const partition =
          s.updateStrategy?.type === 'OnDelete'
            ? undefined
            : (s.updateStrategy?.rollingUpdate?.partition ?? 0);
        const revisionFor = (ordinal: number) =>
          partition !== undefined && ordinal < start + partition ? current : update;

        for (let ordinal = start; ordinal < start + replicas; ordinal++) {
          const pod = byOrdinal.get(ordinal);
          if (!pod) {
            createPod(set, ordinal, revisionFor(ordinal));
            if (monotonic) return;
            continue;
          }
          if (isFailed(pod) && !isTerminating(pod)) {
            deletePod(set, pod);
            if (monotonic) return;
            continue;
          }
          if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod))) return;
        }
        const unhealthy = [...byOrdinal.values()].some((p) => isTerminating(p) || !isRunningAndReady(p));
        for (const pod of condemned.sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!)) {
          if (isTerminating(pod)) {
            if (monotonic) return;
            continue;
          }
          if (monotonic && unhealthy) return;
          claims.releaseOnScaleDown(set, pod);
          deletePod(set, pod);
          if (monotonic) return;
        }
        if (s.updateStrategy?.type === 'OnDelete') return;
        for (let ordinal = start + replicas - 1; ordinal >= start + (partition ?? 0); ordinal--) {
          const pod = byOrdinal.get(ordinal);
          if (!pod) return;
          if (pod.metadata.labels?.[REVISION_LABEL] !== update.metadata.name) {
            if (!isTerminating(pod) && !unhealthy) deletePod(set, pod);
            return;
          }
          if (isTerminating(pod) || !isRunningAndReady(pod)) return;
        }
      }

      function createPod(set: KObject, ordinal: number, revision: KObject): void {
        const s = spec(set);
        const template = templateOf(revision);
        const name = `${set.metadata.name}-${ordinal}`;
        const podSpec: PodSpec & { hostname?: string; subdomain?: string } = structuredClone(
          template.spec ?? {},
        );
        const volumes: Volume[] = [...(podSpec.volumes ?? [])];
        for (const claim of s.volumeClaimTemplates ?? []) {
          if (!claims.ensure(set, claim, ordinal, name)) return;
          const volume: Volume = {
            name: claim.metadata!.name!,
            persistentVolumeClaim: { claimName: claimName(claim, set, ordinal) },
          };
          const i = volumes.findIndex((v) => v.name === volume.name);
          if (i >= 0) volumes[i] = volume;
          else volumes.push(volume);
        }
        if (volumes.length) podSpec.volumes = volumes;
        podSpec.hostname = name;
        if (s.serviceName) podSpec.subdomain = s.serviceName;
        try {
          api.create(
            podsRt,
            set.metadata.namespace,
            {
              metadata: {
                name,
                namespace: set.metadata.namespace,
                labels: {
                  ...template.metadata?.labels,
                  [REVISION_LABEL]: revision.metadata.name!,
                  [POD_NAME_LABEL]: name,
                  [POD_INDEX_LABEL]: String(ordinal),
                },
                ...(template.metadata?.annotations
                  ? { annotations: { ...template.metadata.annotations } }
                  : {}),
                ownerReferences: [ownedBy(set)],
              },
              spec: podSpec,
            },
            MANAGER,
          );
          runtime.events.record(
            set,
            'Normal',
            'SuccessfulCreate',
            `create Pod ${name} in StatefulSet ${set.metadata.name} successful`,
            SOURCE,
          );
        } catch (err) {
          // The old pod of this name is still going away: the next sync creates it.
          if (err instanceof StatusError && err.code === 409) return;
          refused(set, `create Pod ${name} in StatefulSet ${set.metadata.name} failed error: `, err);
        }
      }

      /** A write the API refused: a FailedCreate event, as the real controller records, and a retry. */
      function refused(set: KObject, prefix: string, err: unknown): void {
        if (!(err instanceof StatusError)) throw err;
        runtime.events.record(set, 'Warning', 'FailedCreate', `${prefix}${err.message}`, SOURCE);
        queue.addAfter(keyOf(set), 1000);
      }

      function deletePod(set: KObject, pod: KObject): void {
        const deleted = ignoringRaces(() =>
          api.delete(podsRt, pod.metadata.namespace, pod.metadata.name!, {
            preconditions: { uid: pod.metadata.uid! },
          }),
        );
        if (deleted) {
          runtime.events.record(
            set,
            'Normal',
            'SuccessfulDelete',
            `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
            SOURCE,
          );
        }
      }

      function computeStatus(
        set: KObject,
        owned: KObject[],
        current: KObject,
        update: KObject,
      ): Record<string, unknown> {
        const s = spec(set);
        const previous = (set.status ?? {}) as { collisionCount?: number };
        let replicas = 0;
        let ready = 0;
        let available = 0;
        let currentReplicas = 0;
        let updatedReplicas = 0;
        for (const pod of owned) {
          if (isFailed(pod)) continue;
          replicas++;
          if (isRunningAndReady(pod)) {
            ready++;
            const a = availability(runtime, pod, s.minReadySeconds ?? 0);
            if (a.available) available++;
            else if (a.inMs !== undefined) queue.addAfter(keyOf(set), a.inMs);
          }
          if (isTerminating(pod)) continue;
          const revision = pod.metadata.labels?.[REVISION_LABEL];
          if (revision === current.metadata.name) currentReplicas++;
          if (revision === update.metadata.name) updatedReplicas++;
        }
        const status: Record<string, unknown> = {
          observedGeneration: set.metadata.generation,
          replicas,
          readyReplicas: ready,
          currentReplicas,
          updatedReplicas,
          currentRevision: current.metadata.name,
          updateRevision: update.metadata.name,
          collisionCount: previous.collisionCount ?? 0,
          availableReplicas: available,
        };
        // completeRollingUpdate: once every pod is updated and ready, the update revision is current.
        if (s.updateStrategy?.type !== 'OnDelete' && updatedReplicas === replicas && ready === replicas) {
          status.currentReplicas = updatedReplicas;
          status.currentRevision = update.metadata.name;
        }
        for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'])
          if (status[k] === 0) delete status[k];
        return status;
      }
    },
  };
}
