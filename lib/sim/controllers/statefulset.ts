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
import { isPodReady, type PodSpec, podStatus, type Volume } from './kube-types.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import { controllerRef, ownedBy } from './owners.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';
import {
  availability,
  claimObjects,
  computeHash,
  ignoringRaces,
  MANAGER,
  sameValue,
  semantic,
  writeStatus,
} from './workload-helpers.ts';

export interface StatefulSetControllerOptions {
  latencies: Latencies;
}

const SOURCE = { component: 'statefulset-controller' };
const REVISION_LABEL = 'controller-revision-hash';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  minReadySeconds?: number;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  revisionHistoryLimit?: number;
  ordinals?: { start?: number };
  selector?: { matchLabels?: Record<string, string> };
  template?: Template;
  volumeClaimTemplates?: ClaimTemplate[];
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
  persistentVolumeClaimRetentionPolicy?: {
    whenDeleted?: 'Retain' | 'Delete';
    whenScaled?: 'Retain' | 'Delete';
  };
}

const spec = (set: KObject) => (set.spec ?? {}) as StatefulSetSpec;

/** What a ControllerRevision stores for a StatefulSet: a strategic merge patch replacing the template. */
function revisionData(set: KObject): Record<string, unknown> {
  return { spec: { template: { ...(semantic(spec(set).template) as object), $patch: 'replace' } } };
}

function templateOf(revision: KObject): Template {
  const t = {
    ...((revision.data as { spec?: { template?: Record<string, unknown> } }).spec?.template ?? {}),
  };
  delete t.$patch;
  return t as Template;
}

function revisionNumber(revision: KObject): number {
  return (revision.revision as number | undefined) ?? 0;
}

/** A pod's ordinal from its name, or undefined when the name is not `<set>-<n>`. */
function ordinalOf(set: KObject, pod: KObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function claimName(template: ClaimTemplate, set: KObject, ordinal: number): string {
  return `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;
}

const isFailed = (pod: KObject) => podStatus(pod).phase === 'Failed' || podStatus(pod).phase === 'Succeeded';
const isRunningAndReady = (pod: KObject) => podStatus(pod).phase === 'Running' && isPodReady(pod);
const isTerminating = (pod: KObject) => !!pod.metadata.deletionTimestamp;

export function statefulSetController(options: StatefulSetControllerOptions): Controller {
  return {
    name: 'statefulset-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const setsRt = api.resource('apps', 'statefulsets');
      const podsRt = api.resource('', 'pods');
      const pvcsRt = api.resource('', 'persistentvolumeclaims');
      const revisionsRt = api.resource('apps', 'controllerrevisions');
      const sets = runtime.informer('apps', 'statefulsets');
      const pods = runtime.informer('', 'pods');
      let syncs = 0;

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
        const { current, update, revisions } = syncRevisions(set);
        const owned = claimObjects(runtime, podsRt, set);
        syncClaimOwners(set, owned);
        updatePods(set, owned, current, update);
        const after = claimObjects(runtime, podsRt, set);
        const status = computeStatus(set, after, current, update);
        truncateHistory(set, revisions, after, status);
        writeStatus(runtime, setsRt, set, status);
      }

      /** The revision of the current template (created or renumbered) and the one pods are at. */
      function syncRevisions(set: KObject): { current: KObject; update: KObject; revisions: KObject[] } {
        const revisions = claimRevisions(set).sort((a, b) => revisionNumber(a) - revisionNumber(b));
        const data = revisionData(set);
        const latest = Math.max(0, ...revisions.map(revisionNumber));
        let update = revisions.find((r) => sameValue(r.data, data));
        if (update && revisionNumber(update) !== latest) {
          // An old template is current again (a rollback): it becomes the newest revision.
          update =
            ignoringRaces(() =>
              api.update(
                revisionsRt,
                set.metadata.namespace,
                update!.metadata.name!,
                { ...update!, revision: latest + 1 },
                MANAGER,
              ),
            ) ?? update;
        }
        if (!update) update = createRevision(set, data, latest + 1);
        const status = (set.status ?? {}) as { currentRevision?: string };
        const current = revisions.find((r) => r.metadata.name === status.currentRevision) ?? update;
        return {
          current,
          update,
          revisions: [...revisions.filter((r) => r.metadata.uid !== update.metadata.uid), update],
        };
      }

      function claimRevisions(set: KObject): KObject[] {
        return api
          .list(revisionsRt, set.metadata.namespace)
          .items.filter((r) => controllerRef(r)?.uid === set.metadata.uid);
      }

      function createRevision(set: KObject, data: Record<string, unknown>, revision: number): KObject {
        let collisions = ((set.status ?? {}) as { collisionCount?: number }).collisionCount ?? 0;
        for (;;) {
          const name = `${set.metadata.name}-${computeHash(data, collisions)}`;
          try {
            return api.create(
              revisionsRt,
              set.metadata.namespace,
              {
                metadata: {
                  name,
                  namespace: set.metadata.namespace,
                  labels: { ...spec(set).template?.metadata?.labels },
                  // The set's annotations (kubernetes.io/change-cause among them) go with each revision.
                  ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
                  ownerReferences: [ownedBy(set)],
                },
                data,
                revision,
              },
              MANAGER,
            );
          } catch (err) {
            if (!(err instanceof StatusError && err.code === 409)) throw err;
            const existing = api.find(revisionsRt, set.metadata.namespace, name);
            if (
              existing &&
              controllerRef(existing)?.uid === set.metadata.uid &&
              sameValue(existing.data, data)
            )
              return existing;
            collisions++;
            writeStatus(runtime, setsRt, set, { ...(set.status as object), collisionCount: collisions });
          }
        }
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
          releaseClaimsOnScaleDown(set, pod);
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
          if (!ensureClaim(set, claim, ordinal, name)) return;
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

      /** Creates the claim unless it exists; false while an old claim of that name is being deleted. */
      function ensureClaim(set: KObject, template: ClaimTemplate, ordinal: number, podName: string): boolean {
        const name = claimName(template, set, ordinal);
        const existing = api.find(pvcsRt, set.metadata.namespace, name);
        if (existing) return !existing.metadata.deletionTimestamp;
        const whenDeleted = spec(set).persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
        try {
          api.create(
            pvcsRt,
            set.metadata.namespace,
            {
              metadata: {
                name,
                namespace: set.metadata.namespace,
                labels: { ...template.metadata?.labels, ...spec(set).selector?.matchLabels },
                ...(template.metadata?.annotations
                  ? { annotations: { ...template.metadata.annotations } }
                  : {}),
                ...(whenDeleted === 'Delete' ? { ownerReferences: [ownedBy(set)] } : {}),
              },
              spec: structuredClone(template.spec ?? {}),
            },
            MANAGER,
          );
        } catch (err) {
          refused(
            set,
            `create Claim ${name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: `,
            err,
          );
          return false;
        }
        runtime.events.record(
          set,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`,
          SOURCE,
        );
        return true;
      }

      /** Keeps the set's ownerReference on its claims exactly when whenDeleted is Delete (the GC does the rest). */
      function syncClaimOwners(set: KObject, owned: KObject[]): void {
        const s = spec(set);
        const wantOwner = (s.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') === 'Delete';
        const start = s.ordinals?.start ?? 0;
        for (const pod of owned) {
          const ordinal = ordinalOf(set, pod);
          if (ordinal === undefined || ordinal < start || ordinal >= start + (s.replicas ?? 1)) continue;
          for (const template of s.volumeClaimTemplates ?? []) {
            const claim = api.find(pvcsRt, set.metadata.namespace, claimName(template, set, ordinal));
            if (!claim || claim.metadata.deletionTimestamp) continue;
            const refs = claim.metadata.ownerReferences ?? [];
            const has = refs.some((r) => r.uid === set.metadata.uid);
            if (has === wantOwner) continue;
            const next = wantOwner ? [...refs, ownedBy(set)] : refs.filter((r) => r.uid !== set.metadata.uid);
            writeClaimOwners(claim, next);
          }
        }
      }

      /** whenScaled: Delete makes the condemned pod its claims' owner, so they go with it. */
      function releaseClaimsOnScaleDown(set: KObject, pod: KObject): void {
        const s = spec(set);
        if ((s.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') !== 'Delete') return;
        const ordinal = ordinalOf(set, pod)!;
        for (const template of s.volumeClaimTemplates ?? []) {
          const claim = api.find(pvcsRt, set.metadata.namespace, claimName(template, set, ordinal));
          if (!claim) continue;
          // The pod becomes the only owner among the set's: the claim goes with the pod, not with the set.
          const refs = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid);
          if (refs.some((r) => r.uid === pod.metadata.uid)) continue;
          writeClaimOwners(claim, [
            ...refs,
            { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid! },
          ]);
        }
      }

      function writeClaimOwners(
        claim: KObject,
        ownerReferences: KObject['metadata']['ownerReferences'],
      ): void {
        ignoringRaces(() =>
          api.update(
            pvcsRt,
            claim.metadata.namespace,
            claim.metadata.name!,
            { ...claim, metadata: { ...claim.metadata, ownerReferences } },
            MANAGER,
          ),
        );
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

      /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod and neither status revision uses. */
      function truncateHistory(
        set: KObject,
        revisions: KObject[],
        owned: KObject[],
        status: Record<string, unknown>,
      ): void {
        const live = new Set<string>([String(status.currentRevision), String(status.updateRevision)]);
        for (const pod of owned) {
          const r = pod.metadata.labels?.[REVISION_LABEL];
          if (r) live.add(r);
        }
        const history = revisions
          .filter((r) => !live.has(r.metadata.name!))
          .sort((a, b) => revisionNumber(a) - revisionNumber(b));
        const limit = spec(set).revisionHistoryLimit ?? 10;
        for (const r of history.slice(0, Math.max(0, history.length - limit))) {
          ignoringRaces(() =>
            api.delete(revisionsRt, r.metadata.namespace, r.metadata.name!, {
              preconditions: { uid: r.metadata.uid! },
            }),
          );
        }
      }
    },
  };
}
