/**
 * The default scheduler: places pending pods on nodes and binds them through the pods/binding
 * subresource. Pods whose WaitForFirstConsumer claims are unbound are first "assumed" on the chosen
 * node: the claims get `volume.kubernetes.io/selected-node` (or a matching static PV gets the
 * claimRef), and the pod is bound once every claim is Bound to a volume that fits the node.
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { type Latencies, drawLatency } from './latencies.ts';
import { type PodCondition, claimNames, isTerminal, podSpec, podStatus } from './kube-types.ts';
import { type Controller, type Informer, type SimRuntime, keyOf, splitKey } from './runtime.ts';
import { type Snapshot, evaluate, fitErrorMessage, occupiesNode, scoreNodes } from './scheduler-filters.ts';
import {
  SELECTED_NODE,
  isClaimBound,
  staticVolumeFor,
  volumeFitsNode,
  waitsForConsumer,
} from './scheduler-volumes.ts';
import { initStableRandom, stableDraw } from './stable-random.ts';

export interface SchedulerOptions {
  latencies: Latencies;
  /** The schedulerName this scheduler serves. Default `default-scheduler`. */
  schedulerName?: string;
  /** How long a pod waits for its volumes to bind before the attempt fails (realistic ms). Default 600 s. */
  bindTimeoutMs?: number;
  /** How often pods left unschedulable are retried without a triggering change (realistic ms). Default 5 min. */
  unschedulableRetryMs?: number;
}

const SOURCE = { component: 'default-scheduler' };

interface Assumption {
  uid: string;
  node: string;
  since: number;
}

/** Reads an informer that may not exist in a bare registry (storage kinds), as empty. */
function optionalInformer(runtime: SimRuntime, group: string, plural: string): Informer | undefined {
  try {
    return runtime.informer(group, plural);
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}

export function scheduler(options: SchedulerOptions): Controller {
  const schedulerName = options.schedulerName ?? 'default-scheduler';
  const bindTimeoutMs = options.bindTimeoutMs ?? 600_000;
  const retryMs = options.unschedulableRetryMs ?? 300_000;
  return {
    name: 'scheduler',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const podsRt = api.resource('', 'pods');
      const pods = runtime.informer('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const pvcs = optionalInformer(runtime, '', 'persistentvolumeclaims');
      const pvs = optionalInformer(runtime, '', 'persistentvolumes');
      const classes = optionalInformer(runtime, 'storage.k8s.io', 'storageclasses');
      const assumed = new Map<string, Assumption>();
      const unschedulable = new Set<string>();
      const attempts = new Map<string, number>();
      /** resourceVersions of our own status writes, so their watch events do not trigger a retry. */
      const ownWrites = new Map<string, string>();

      const snapshot = (): Snapshot => {
        const byNode = new Map<string, KObject[]>();
        for (const p of pods.list()) {
          const key = keyOf(p);
          const node = occupiesNode(p) ? podSpec(p).nodeName! : assumed.get(key)?.node;
          if (!node) continue;
          if (!byNode.has(node)) byNode.set(node, []);
          byNode.get(node)!.push(p);
        }
        return {
          nodes: nodes.list().sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)),
          podsOn: (node) => byNode.get(node) ?? [],
          pvc: (ns, name) => pvcs?.get(ns, name),
          pv: (name) => pvs?.get(undefined, name),
          pvs: () => pvs?.list() ?? [],
          storageClass: (name) => classes?.get(undefined, name),
        };
      };

      // Gated pods wait for their gates to be removed; the update that removes them re-queues the pod.
      const mine = (pod: KObject) =>
        (podSpec(pod).schedulerName ?? 'default-scheduler') === schedulerName &&
        !podSpec(pod).nodeName &&
        !pod.metadata.deletionTimestamp &&
        (podSpec(pod).schedulingGates ?? []).length === 0;

      const queue = runtime.queue('scheduler', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(runtime, options.latencies.schedule, 'schedule', key, String(attempts.get(key) ?? 0)),
        );
      const retryWaiting = () => {
        for (const key of unschedulable) enqueue(key);
        for (const key of assumed.keys()) queue.add(key);
      };

      pods.on((type, pod, old) => {
        const key = keyOf(pod);
        if (type === 'DELETED') {
          assumed.delete(key);
          unschedulable.delete(key);
          ownWrites.delete(key);
          attempts.delete(key);
          retryWaiting();
          return;
        }
        if (mine(pod)) {
          if (ownWrites.get(key) === pod.metadata.resourceVersion) return;
          enqueue(key);
          return;
        }
        // A pod that changes labels or finishes can unblock others (affinity, resources).
        const finished = old && !isTerminal(old) && isTerminal(pod);
        if (finished || (old && JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels)))
          retryWaiting();
      });
      nodes.on((type, node, old) => {
        if (type === 'MODIFIED' && old && JSON.stringify(old.spec) === JSON.stringify(node.spec)) {
          if (JSON.stringify(old.metadata.labels) === JSON.stringify(node.metadata.labels)) return;
        }
        retryWaiting();
      }, false);
      for (const inf of [pvcs, pvs, classes]) inf?.on(() => retryWaiting(), false);

      async function reconcile(key: string): Promise<void> {
        const { namespace, name } = splitKey(key);
        const pod = pods.get(namespace, name);
        if (!pod || !mine(pod)) {
          assumed.delete(key);
          unschedulable.delete(key);
          return;
        }
        const waiting = assumed.get(key);
        if (waiting && waiting.uid === pod.metadata.uid) {
          finishVolumeBinding(key, pod, waiting);
          return;
        }
        assumed.delete(key);
        attempts.set(key, (attempts.get(key) ?? 0) + 1);
        const snap = snapshot();
        const result = evaluate(pod, snap);
        if (result.feasible.length === 0) {
          markUnschedulable(key, pod, fitErrorMessage(pod, result, snap.nodes.length));
          return;
        }
        const node = pick(key, pod, result.feasible, snap);
        unschedulable.delete(key);
        if (!prepareVolumes(pod, node, snap)) {
          assumed.set(key, { uid: pod.metadata.uid!, node: node.metadata.name!, since: Date.now() });
          queue.addAfter(key, bindTimeoutMs);
          return;
        }
        bind(pod, node.metadata.name!);
      }

      function pick(key: string, pod: KObject, feasible: KObject[], snap: Snapshot): KObject {
        const scores = scoreNodes(pod, feasible, snap);
        const best = Math.max(...scores.values());
        const top = feasible.filter((n) => scores.get(n.metadata.name!)! >= best - 1e-9);
        const draw = stableDraw(runtime, 'pick', key, String(attempts.get(key) ?? 0));
        return top[Math.floor(draw * top.length)]!;
      }

      /** Readies the pod's unbound WaitForFirstConsumer claims for `node`; true when none is left unbound. */
      function prepareVolumes(pod: KObject, node: KObject, snap: Snapshot): boolean {
        const ns = pod.metadata.namespace!;
        let ready = true;
        for (const claimName of claimNames(pod)) {
          const claim = snap.pvc(ns, claimName);
          if (!claim || isClaimBound(claim) || !waitsForConsumer(claim, snap)) continue;
          ready = false;
          const pv = staticVolumeFor(claim, node, snap);
          if (pv) {
            const spec = (pv.spec ?? {}) as Record<string, unknown>;
            if (!spec.claimRef) {
              api.update(
                api.resource('', 'persistentvolumes'),
                undefined,
                pv.metadata.name!,
                {
                  ...pv,
                  spec: {
                    ...spec,
                    claimRef: {
                      apiVersion: 'v1',
                      kind: 'PersistentVolumeClaim',
                      namespace: ns,
                      name: claimName,
                      uid: claim.metadata.uid,
                      resourceVersion: claim.metadata.resourceVersion,
                    },
                  },
                },
                { fieldManager: 'kube-scheduler' },
              );
            }
          } else if (claim.metadata.annotations?.[SELECTED_NODE] !== node.metadata.name) {
            api.patch(
              api.resource('', 'persistentvolumeclaims'),
              ns,
              claimName,
              'application/merge-patch+json',
              { metadata: { annotations: { [SELECTED_NODE]: node.metadata.name } } },
              { fieldManager: 'kube-scheduler' },
            );
          }
        }
        return ready;
      }

      function finishVolumeBinding(key: string, pod: KObject, waiting: Assumption): void {
        const snap = snapshot();
        const node = snap.nodes.find((n) => n.metadata.name === waiting.node);
        const ns = pod.metadata.namespace!;
        let allBound = !!node;
        for (const claimName of claimNames(pod)) {
          const claim = snap.pvc(ns, claimName);
          if (!claim || claim.metadata.deletionTimestamp) {
            allBound = false;
            break;
          }
          if (!isClaimBound(claim)) {
            allBound = false;
            continue;
          }
          const pv = snap.pv(((claim.spec ?? {}) as { volumeName: string }).volumeName);
          if (!pv || !node || !volumeFitsNode(pv, node)) {
            // Bound elsewhere than where the pod was assumed: start the cycle again.
            assumed.delete(key);
            enqueue(key);
            return;
          }
        }
        if (allBound && node) {
          assumed.delete(key);
          bind(pod, waiting.node);
          return;
        }
        if (runtime.scaled(bindTimeoutMs) <= Date.now() - waiting.since) {
          assumed.delete(key);
          markUnschedulable(
            key,
            pod,
            'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded',
            'SchedulerError',
          );
        }
      }

      function markUnschedulable(key: string, pod: KObject, message: string, reason = 'Unschedulable'): void {
        unschedulable.add(key);
        runtime.events.record(pod, 'Warning', 'FailedScheduling', message, SOURCE);
        const status = podStatus(pod);
        const conditions = [...(status.conditions ?? [])];
        const i = conditions.findIndex((c) => c.type === 'PodScheduled');
        const previous = i >= 0 ? conditions[i] : undefined;
        const next: PodCondition = {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime:
            previous && previous.status === 'False' ? previous.lastTransitionTime : timestamp(api.now()),
          reason,
          message,
        };
        if (previous && JSON.stringify(previous) === JSON.stringify(next)) {
          queue.addAfter(key, retryMs);
          return;
        }
        if (i >= 0) conditions[i] = next;
        else conditions.push(next);
        const fresh = api.find(podsRt, pod.metadata.namespace, pod.metadata.name!);
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        const written = api.update(
          podsRt,
          pod.metadata.namespace,
          pod.metadata.name!,
          { ...fresh, status: { ...podStatus(fresh), conditions } },
          {
            subresource: 'status',
            fieldManager: 'kube-scheduler',
          },
        );
        ownWrites.set(key, written.metadata.resourceVersion!);
        queue.addAfter(key, retryMs);
      }

      function bind(pod: KObject, node: string): void {
        const handler = api.subresourceHandler(podsRt, 'binding');
        if (!handler?.create)
          throw new Error('the API server has no pods/binding subresource to bind pods with');
        try {
          handler.create(
            api,
            podsRt,
            pod.metadata.namespace,
            pod.metadata.name!,
            {
              apiVersion: 'v1',
              kind: 'Binding',
              metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
              target: { apiVersion: 'v1', kind: 'Node', name: node },
            },
            { fieldManager: 'kube-scheduler' },
          );
        } catch (err) {
          // Already bound, being deleted or gone: nothing left to schedule.
          if (err instanceof StatusError && (err.code === 409 || err.code === 404)) return;
          throw err;
        }
        unschedulable.delete(keyOf(pod));
        attempts.delete(keyOf(pod));
        runtime.events.record(
          pod,
          'Normal',
          'Scheduled',
          `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`,
          SOURCE,
        );
      }
    },
  };
}
