/**
 * What happens around a cordon: the node lifecycle controller mirrors spec.unschedulable as the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint, and the node's kubelet reports
 * NodeNotSchedulable / NodeSchedulable events, as on a real cluster.
 */
import { type KObject, timestamp } from '../api/types.ts';
import { type Taint, nodeSpec } from './kube-types.ts';
import type { Controller, SimRuntime } from './runtime.ts';

const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export function nodeLifecycle(): Controller {
  return {
    name: 'node-lifecycle-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const nodesRt = api.resource('', 'nodes');
      const nodes = runtime.informer('', 'nodes');
      const queue = runtime.queue('node-lifecycle-controller', (name) => reconcile(name));
      nodes.on((type, node, old) => {
        if (type === 'DELETED') return;
        const was = old ? !!nodeSpec(old).unschedulable : false;
        const now = !!nodeSpec(node).unschedulable;
        if (type === 'MODIFIED' && was !== now) {
          runtime.events.record(
            node,
            'Normal',
            now ? 'NodeNotSchedulable' : 'NodeSchedulable',
            `Node ${node.metadata.name} status is now: ${now ? 'NodeNotSchedulable' : 'NodeSchedulable'}`,
            { component: 'kubelet', host: node.metadata.name },
          );
        }
        queue.add(node.metadata.name!);
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
    },
  };
}
