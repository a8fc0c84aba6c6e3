/**
 * What happens around a node's life: the node lifecycle controller mirrors spec.unschedulable as
 * the `node.kubernetes.io/unschedulable:NoSchedule` taint; when a node's kubelet stops posting
 * status (the simulator's `sim.kubexpect.io/node-down: "true"` annotation) it marks the node
 * Unknown after the monitor grace period, taints it unreachable and marks its pods not Ready, and
 * undoes that when the kubelet is back; the node's kubelet reports NodeNotSchedulable,
 * NodeSchedulable and NodeReady events; the pod garbage collector removes pods bound to a node
 * that no longer exists (after its 40 s quarantine).
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { isTerminal, nodeSpec, type PodStatus, podSpec, podStatus, type Taint } from './kube-types.ts';
import { drawLatency, type Latencies } from './latencies.ts';
import type { Controller, SimRuntime } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';

/** Set to "true" on a Node to make its kubelet stop (a node failure); remove it to bring the node back. */
export const NODE_DOWN_ANNOTATION = 'sim.kubexpect.io/node-down';
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
/** PodGC waits this long (realistic ms) after a node is gone before deleting its pods. */
const ORPHAN_QUARANTINE_MS = 40_000;

interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

const HEALTHY: Record<string, [string, string, string]> = {
  MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  Ready: ['True', 'KubeletReady', 'kubelet is posting ready status'],
};

export function isNodeDown(node: KObject | undefined): boolean {
  return node?.metadata.annotations?.[NODE_DOWN_ANNOTATION] === 'true';
}

function readyStatus(node: KObject): string | undefined {
  return ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === 'Ready',
  )?.status;
}

export interface NodeLifecycleOptions {
  latencies: Latencies;
}

export function nodeLifecycle(options: NodeLifecycleOptions): Controller {
  return {
    name: 'node-lifecycle-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const nodesRt = api.resource('', 'nodes');
      const podsRt = api.resource('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const pods = runtime.informer('', 'pods');
      const silenceTimers = new Map<string, () => void>();
      const outages = new Map<string, number>();
      const queue = runtime.queue('node-lifecycle-controller', (name) => reconcile(name));
      nodes.on((type, node, old) => {
        const name = node.metadata.name!;
        if (type === 'DELETED') {
          silenceTimers.get(name)?.();
          silenceTimers.delete(name);
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
        syncCordonTaint(node);
        const fresh = api.find(nodesRt, undefined, name)!;
        if (isNodeDown(fresh)) {
          if (readyStatus(fresh) !== 'Unknown' && !silenceTimers.has(name)) {
            const n = (outages.get(name) ?? 0) + 1;
            outages.set(name, n);
            const wait = drawLatency(
              runtime,
              options.latencies.nodeMonitorGrace,
              'node-silence',
              name,
              String(n),
            );
            silenceTimers.set(
              name,
              runtime.after(wait, () => {
                silenceTimers.delete(name);
                const current = api.find(nodesRt, undefined, name);
                if (current && isNodeDown(current)) markUnknown(current);
              }),
            );
          }
          return;
        }
        silenceTimers.get(name)?.();
        silenceTimers.delete(name);
        const unreachable = (nodeSpec(fresh).taints ?? []).some((t) => t.key === UNREACHABLE_TAINT);
        if (readyStatus(fresh) !== 'True' || unreachable) markReady(fresh);
      }

      function syncCordonTaint(node: KObject): void {
        const spec = nodeSpec(node);
        const taints = spec.taints ?? [];
        const has = taints.some((t) => t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule');
        if (!!spec.unschedulable === has) return;
        setTaints(
          node,
          spec.unschedulable
            ? [...taints, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: timestamp(api.now()) }]
            : taints.filter((t) => !(t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule')),
        );
      }

      function setTaints(node: KObject, taints: Taint[]): void {
        const updated: KObject = { ...node, spec: { ...(node.spec as object), taints } };
        if (taints.length === 0) delete (updated.spec as { taints?: Taint[] }).taints;
        api.update(nodesRt, undefined, node.metadata.name!, updated, {
          fieldManager: 'kube-controller-manager',
        });
      }

      function writeConditions(node: KObject, conditions: NodeCondition[]): KObject {
        return api.update(
          nodesRt,
          undefined,
          node.metadata.name!,
          { ...node, status: { ...(node.status as object), conditions } },
          { subresource: 'status', fieldManager: 'kube-controller-manager' },
        );
      }

      function markUnknown(node: KObject): void {
        const now = timestamp(api.now());
        const conditions = ((node.status as { conditions?: NodeCondition[] }).conditions ?? []).map((c) =>
          c.type in HEALTHY
            ? {
                ...c,
                status: 'Unknown',
                reason: 'NodeStatusUnknown',
                message: 'Kubelet stopped posting node status.',
                lastTransitionTime: now,
              }
            : c,
        );
        const updated = writeConditions(node, conditions);
        const taints = (nodeSpec(updated).taints ?? []).filter((t) => t.key !== UNREACHABLE_TAINT);
        taints.push(
          { key: UNREACHABLE_TAINT, effect: 'NoSchedule', timeAdded: now },
          { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: now },
        );
        setTaints(updated, taints);
        for (const pod of pods.list()) {
          if (podSpec(pod).nodeName === node.metadata.name && !isTerminal(pod)) markPodNotReady(pod);
        }
      }

      function writePodStatus(fresh: KObject, status: PodStatus): void {
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

      function markPodNotReady(pod: KObject): void {
        const fresh = api.find(podsRt, pod.metadata.namespace, pod.metadata.name!);
        if (!fresh) return;
        const status: PodStatus = { ...podStatus(fresh) };
        const ready = (status.conditions ?? []).find((c) => c.type === 'Ready');
        if (!ready || ready.status === 'False') return;
        status.conditions = (status.conditions ?? []).map((c) =>
          c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: timestamp(api.now()) } : c,
        );
        writePodStatus(fresh, status);
        runtime.events.record(fresh, 'Warning', 'NodeNotReady', 'Node is not ready', {
          component: 'node-controller',
        });
      }

      function markReady(node: KObject): void {
        const now = timestamp(api.now());
        const name = node.metadata.name!;
        const previous = (node.status as { conditions?: NodeCondition[] }).conditions ?? [];
        const conditions = Object.entries(HEALTHY).map(([type, [status, reason, message]]) => {
          const before = previous.find((c) => c.type === type);
          return {
            type,
            status,
            lastHeartbeatTime: now,
            lastTransitionTime: before?.status === status ? (before.lastTransitionTime ?? now) : now,
            reason,
            message,
          };
        });
        const wasReady = readyStatus(node) === 'True';
        const updated = writeConditions(node, conditions);
        const taints = nodeSpec(updated).taints ?? [];
        if (taints.some((t) => t.key === UNREACHABLE_TAINT)) {
          setTaints(
            updated,
            taints.filter((t) => t.key !== UNREACHABLE_TAINT),
          );
        }
        if (!wasReady) {
          runtime.events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, {
            component: 'kubelet',
            host: name,
          });
        }
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
        writePodStatus(fresh, status);
      }
    },
  };
}
