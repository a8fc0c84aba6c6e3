/**
 * What happens around a node's life: the node lifecycle controller mirrors spec.unschedulable as
 * the `node.kubernetes.io/unschedulable:NoSchedule` taint, the node's kubelet reports
 * NodeNotSchedulable / NodeSchedulable events, and the pod garbage collector removes pods bound to
 * a node that no longer exists (after its 40 s quarantine), as on a real cluster.
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { isTerminal, nodeSpec, type PodStatus, podSpec, podStatus, type Taint } from './kube-types.ts';
import type { Controller, SimRuntime } from './runtime.ts';

const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
/** PodGC waits this long (realistic ms) after a node is gone before deleting its pods. */
const ORPHAN_QUARANTINE_MS = 40_000;

export function nodeLifecycle(): Controller {
  return {
    name: 'node-lifecycle-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const nodesRt = api.resource('', 'nodes');
      const podsRt = api.resource('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const pods = runtime.informer('', 'pods');
      const queue = runtime.queue('node-lifecycle-controller', (name) => reconcile(name));
      nodes.on((type, node, old) => {
        const name = node.metadata.name!;
        if (type === 'DELETED') {
          runtime.after(ORPHAN_QUARANTINE_MS, () => collectOrphans(name));
          return;
        }
        const was = old ? !!nodeSpec(old).unschedulable : false;
        const now = !!nodeSpec(node).unschedulable;
        if (type === 'MODIFIED' && was !== now) {
          runtime.events.record(
            node,
            'Normal',
            now ? 'NodeNotSchedulable' : 'NodeSchedulable',
            `Node ${name} status is now: ${now ? 'NodeNotSchedulable' : 'NodeSchedulable'}`,
            { component: 'kubelet', host: name },
          );
        }
        queue.add(name);
      });

      function reconcile(name: string): void {
        const node = api.find(nodesRt, undefined, name);
        if (!node) return;
        const spec = nodeSpec(node);
        const taints = spec.taints ?? [];
        const has = taints.some((t) => t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule');
        if (!!spec.unschedulable === has) return;
        const next: Taint[] = spec.unschedulable
          ? [...taints, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: timestamp(api.now()) }]
          : taints.filter((t) => !(t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule'));
        const updated: KObject = { ...node, spec: { ...(node.spec as object), taints: next } };
        if (next.length === 0) delete (updated.spec as { taints?: Taint[] }).taints;
        api.update(nodesRt, undefined, name, updated, { fieldManager: 'kube-controller-manager' });
      }

      function collectOrphans(nodeName: string): void {
        if (api.find(nodesRt, undefined, nodeName)) return;
        for (const pod of pods.list()) {
          if (podSpec(pod).nodeName !== nodeName) continue;
          try {
            if (!isTerminal(pod)) markOrphaned(pod);
            api.delete(podsRt, pod.metadata.namespace, pod.metadata.name!, {
              gracePeriodSeconds: 0,
              preconditions: { uid: pod.metadata.uid! },
            });
          } catch (err) {
            if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
          }
        }
      }

      function markOrphaned(pod: KObject): void {
        const fresh = api.find(podsRt, pod.metadata.namespace, pod.metadata.name!);
        if (!fresh || fresh.metadata.uid !== pod.metadata.uid) return;
        const status: PodStatus = { ...podStatus(fresh), phase: 'Failed' };
        const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
        conditions.push({
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'DeletionByPodGC',
          message: 'PodGC: node no longer exists',
          lastProbeTime: null,
          lastTransitionTime: timestamp(api.now()),
        });
        status.conditions = conditions;
        api.update(
          podsRt,
          fresh.metadata.namespace,
          fresh.metadata.name!,
          { ...fresh, status },
          {
            subresource: 'status',
            fieldManager: 'kube-controller-manager',
          },
        );
      }
    },
  };
}
