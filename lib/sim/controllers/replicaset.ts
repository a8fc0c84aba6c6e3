/**
 * The ReplicaSet controller (apps/v1): keeps `spec.replicas` active pods from the template, adopting
 * orphans its selector matches, deleting the least valuable pods first when there are too many
 * (unscheduled, then pending, then not ready, then the newest), and reports replicas, ready and
 * available (Ready for minReadySeconds) counts for the current generation.
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { isPodReady, type PodSpec, podSpec, podStatus } from './kube-types.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import { createOwnedPod, deleteOwnedPod } from './owned-pods.ts';
import { controllerRef } from './owners.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom, stableSuffix } from './stable-random.ts';
import { availability, claimObjects, isActive, writeStatus } from './workload-helpers.ts';

export interface ReplicaSetControllerOptions {
  latencies: Latencies;
}

const SOURCE = { component: 'replicaset-controller' };

interface ReplicaFailure {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: PodSpec;
  };
}

/** Lower ranks go first when scaling down (controller.ActivePodsWithRanks, simplified). */
function deletionRank(pod: KObject): number[] {
  const phase = podStatus(pod).phase;
  const phaseRank = phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : 2;
  return [podSpec(pod).nodeName ? 1 : 0, phaseRank, isPodReady(pod) ? 1 : 0];
}

function compareForDeletion(a: KObject, b: KObject): number {
  const ra = deletionRank(a);
  const rb = deletionRank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  // Newer pods go first.
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}

export function replicaSetController(options: ReplicaSetControllerOptions): Controller {
  return {
    name: 'replicaset-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const rsRt = api.resource('apps', 'replicasets');
      const podsRt = api.resource('', 'pods');
      const sets = runtime.informer('apps', 'replicasets');
      const pods = runtime.informer('', 'pods');
      const created = new Map<string, number>();
      let syncs = 0;

      const queue = runtime.queue('replicaset-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.controllerSync, 'replicaset', key, String(syncs++)),
        );
      sets.on((type, rs) => {
        if (type !== 'DELETED') enqueue(keyOf(rs));
      });
      pods.on((_type, pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind === 'ReplicaSet') enqueue(`${pod.metadata.namespace}/${ref.name}`);
        else if (!ref) for (const rs of sets.list(pod.metadata.namespace)) enqueue(keyOf(rs));
      }, false);

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const rs = api.find(rsRt, namespace, name);
        if (!rs) return;
        const spec = (rs.spec ?? {}) as ReplicaSetSpec;
        const owned = claimObjects(runtime, podsRt, rs);
        const active = owned.filter(isActive);
        const wanted = spec.replicas ?? 1;
        let failure: string | undefined;
        if (!rs.metadata.deletionTimestamp) {
          if (active.length < wanted) {
            for (let i = active.length; i < wanted && !failure; i++) failure = createPod(key, rs, spec);
          } else if (active.length > wanted) {
            for (const pod of [...active].sort(compareForDeletion).slice(0, active.length - wanted)) {
              deleteOwnedPod(runtime, rs, pod, SOURCE);
            }
          }
        }
        const now = claimObjects(runtime, podsRt, rs).filter(isActive);
        const minReady = spec.minReadySeconds ?? 0;
        let available = 0;
        for (const pod of now) {
          const a = availability(runtime, pod, minReady);
          if (a.available) available++;
          else if (a.inMs !== undefined) queue.addAfter(key, a.inMs);
        }
        const templateLabels = spec.template?.metadata?.labels ?? {};
        const status: Record<string, unknown> = {
          replicas: now.length,
          fullyLabeledReplicas: now.filter((p) =>
            Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
          ).length,
          readyReplicas: now.filter(isPodReady).length,
          availableReplicas: available,
          observedGeneration: rs.metadata.generation,
        };
        for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
          if (status[k] === 0) delete status[k];
        // ReplicaFailure=True while pods cannot be created (admission refused them), as the real controller.
        const previous = (
          (rs.status as { conditions?: ReplicaFailure[] } | undefined)?.conditions ?? []
        ).find((c) => c.type === 'ReplicaFailure');
        if (failure) {
          status.conditions = [
            previous?.message === failure
              ? previous
              : {
                  type: 'ReplicaFailure',
                  status: 'True',
                  lastTransitionTime: previous?.lastTransitionTime ?? timestamp(api.now()),
                  reason: 'FailedCreate',
                  message: failure,
                },
          ];
          queue.addAfter(key, 1000);
        }
        writeStatus(runtime, rsRt, rs, status);
      }

      /** Creates one pod; answers the refusal's message (recorded as FailedCreate) when the API refuses it. */
      function createPod(key: string, rs: KObject, spec: ReplicaSetSpec): string | undefined {
        const template = spec.template ?? {};
        const nextSuffix = () => {
          const n = created.get(key) ?? 0;
          created.set(key, n + 1);
          return stableSuffix(runtime, key, String(n));
        };
        try {
          createOwnedPod(
            runtime,
            rs,
            {
              labels: { ...template.metadata?.labels },
              ...(template.metadata?.annotations
                ? { annotations: { ...template.metadata.annotations } }
                : {}),
              spec: structuredClone(template.spec ?? {}),
            },
            nextSuffix,
            SOURCE,
          );
          return undefined;
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
          const message = `Error creating: ${err.message}`;
          runtime.events.record(rs, 'Warning', 'FailedCreate', message, SOURCE);
          return message;
        }
      }
    },
  };
}
