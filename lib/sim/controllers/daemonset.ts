/**
 * The DaemonSet controller (apps/v1): one pod per eligible node, pinned to it with required node
 * affinity on metadata.name (the scheduler places it, as in the real cluster), tolerating what
 * DaemonSet pods tolerate (cordoned nodes among them), owned by the DaemonSet; pods on nodes that
 * no longer qualify are deleted, and the status counts what kubectl shows.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../api/types.ts';
import {
  type PodSpec,
  type Toleration,
  isPodReady,
  isTerminal,
  nodeSpec,
  podSpec,
  podStatus,
} from './kube-types.ts';
import { type Latencies, drawLatency } from './latencies.ts';
import { podFitsNodeAffinity, untoleratedTaint } from './node-matching.ts';
import { createOwnedPod, deleteOwnedPod } from './owned-pods.ts';
import { controllerRef, isControlledBy } from './owners.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from './runtime.ts';
import { initStableRandom, stableSuffix } from './stable-random.ts';

export interface DaemonSetControllerOptions {
  latencies: Latencies;
}

const SOURCE = { component: 'daemonset-controller' };

/** The tolerations the DaemonSet controller adds to every pod it creates. */
function daemonSetTolerations(spec: PodSpec): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  const add = (key: string, effect: string) => {
    if (!out.some((t) => t.key === key && t.effect === effect)) out.push({ key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (spec.hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return out;
}

/** The node a DaemonSet pod is meant for: its required affinity's metadata.name, or its nodeName. */
function targetNode(pod: KObject): string | undefined {
  const spec = podSpec(pod);
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms ?? []) {
    const field = (term.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (field?.values?.length === 1) return field.values[0];
  }
  return undefined;
}

/** The controller-revision-hash of the DaemonSet's current pod template. */
function revisionOf(ds: KObject): string {
  const template = (ds.spec as { template?: unknown } | undefined)?.template ?? {};
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

/** spec.updateStrategy.rollingUpdate.maxUnavailable as a number of nodes (default 1, at least 1). */
function maxUnavailable(ds: KObject, desired: number): number {
  const strategy = (ds.spec as { updateStrategy?: { rollingUpdate?: { maxUnavailable?: number | string } } })
    .updateStrategy;
  const value = strategy?.rollingUpdate?.maxUnavailable ?? 1;
  const n =
    typeof value === 'string' && value.endsWith('%')
      ? Math.floor((Number.parseInt(value, 10) * desired) / 100)
      : Number(value);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export function daemonSetController(options: DaemonSetControllerOptions): Controller {
  return {
    name: 'daemonset-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const dsRt = api.resource('apps', 'daemonsets');
      const sets = runtime.informer('apps', 'daemonsets');
      const pods = runtime.informer('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const created = new Map<string, number>();
      const expected = new Map<string, Map<string, string>>();

      const queue = runtime.queue('daemonset-controller', (key) => reconcile(key));
      const enqueue = (key: string) =>
        queue.addAfter(
          key,
          drawLatency(
            runtime,
            options.latencies.controllerSync,
            'daemonset',
            key,
            String(created.get(key) ?? 0),
          ),
        );
      sets.on((type, ds) => {
        if (type === 'DELETED') expected.delete(keyOf(ds));
        else enqueue(keyOf(ds));
      });
      pods.on((_type, pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind !== 'DaemonSet') return;
        const key = `${pod.metadata.namespace}/${ref.name}`;
        expected.get(key)?.delete(pod.metadata.name!);
        enqueue(key);
      }, false);
      nodes.on(() => {
        for (const ds of sets.list()) enqueue(keyOf(ds));
      }, false);

      /** Whether the DaemonSet's pods belong on the node: its selector and affinity, and taints its pods tolerate. */
      function shouldRun(ds: KObject, node: KObject): boolean {
        const template = ((ds.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ??
          {}) as PodSpec;
        const probe: KObject = { metadata: {}, spec: template };
        if (!podFitsNodeAffinity(probe, node)) return false;
        return !untoleratedTaint(nodeSpec(node).taints, daemonSetTolerations(template));
      }

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const ds = sets.get(namespace, name);
        if (!ds || ds.metadata.deletionTimestamp) return;
        const owned = pods.list(namespace).filter((p) => isControlledBy(p, ds));
        const pending = expected.get(key) ?? new Map<string, string>();
        expected.set(key, pending);
        for (const p of owned) pending.delete(p.metadata.name!);
        const byNode = new Map<string, KObject[]>();
        for (const p of owned) {
          const node = targetNode(p);
          if (!node) continue;
          if (!byNode.has(node)) byNode.set(node, []);
          byNode.get(node)!.push(p);
        }
        const allNodes = nodes.list().sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
        const eligible = new Set(allNodes.filter((n) => shouldRun(ds, n)).map((n) => n.metadata.name!));
        for (const node of allNodes) {
          const nodeName = node.metadata.name!;
          const live = (byNode.get(nodeName) ?? []).filter((p) => !p.metadata.deletionTimestamp);
          const failed = live.filter((p) => podStatus(p).phase === 'Failed');
          for (const p of failed) deletePod(ds, p);
          const running = live.filter((p) => !isTerminal(p));
          const waiting = [...pending.values()].includes(nodeName);
          if (eligible.has(nodeName)) {
            if (running.length === 0 && !waiting) {
              const podName = createPod(key, ds, nodeName);
              if (podName) pending.set(podName, nodeName);
            }
            for (const extra of running.slice(1)) deletePod(ds, extra);
          } else {
            for (const p of running) deletePod(ds, p);
          }
        }
        rollOut(ds, eligible, byNode);
        writeStatus(
          ds,
          eligible,
          pods.list(namespace).filter((p) => isControlledBy(p, ds)),
          pending.size,
        );
      }

      /** RollingUpdate: replaces pods of an older template, keeping at most maxUnavailable nodes without a ready pod. */
      function rollOut(ds: KObject, eligible: Set<string>, byNode: Map<string, KObject[]>): void {
        const type =
          (ds.spec as { updateStrategy?: { type?: string } }).updateStrategy?.type ?? 'RollingUpdate';
        if (type !== 'RollingUpdate') return;
        const revision = revisionOf(ds);
        let unavailable = 0;
        const old: KObject[] = [];
        for (const nodeName of eligible) {
          const live = (byNode.get(nodeName) ?? []).filter((p) => !isTerminal(p));
          const serving = live.filter((p) => !p.metadata.deletionTimestamp);
          if (!serving.some(isPodReady)) unavailable++;
          for (const p of serving)
            if (p.metadata.labels?.['controller-revision-hash'] !== revision) old.push(p);
        }
        // Not-ready old pods go first: replacing them costs no availability.
        old.sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
        let budget = maxUnavailable(ds, eligible.size) - unavailable;
        for (const p of old) {
          if (isPodReady(p)) {
            if (budget <= 0) break;
            budget--;
          }
          deletePod(ds, p);
        }
      }

      function writeStatus(ds: KObject, eligible: Set<string>, owned: KObject[], pendingCount: number): void {
        const live = owned.filter((p) => !p.metadata.deletionTimestamp && !isTerminal(p));
        const scheduledOn = new Set(live.map((p) => podSpec(p).nodeName).filter((n): n is string => !!n));
        const current = [...scheduledOn].filter((n) => eligible.has(n)).length;
        const misscheduled = [...scheduledOn].filter((n) => !eligible.has(n)).length;
        const ready = live.filter((p) => eligible.has(podSpec(p).nodeName ?? '') && isPodReady(p)).length;
        const status: Record<string, unknown> = {
          ...((ds.status ?? {}) as Record<string, unknown>),
          currentNumberScheduled: current,
          numberMisscheduled: misscheduled,
          desiredNumberScheduled: eligible.size,
          numberReady: ready,
          observedGeneration: ds.metadata.generation,
          updatedNumberScheduled: Math.min(
            eligible.size,
            live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revisionOf(ds)).length +
              pendingCount,
          ),
          numberAvailable: ready,
        };
        const unavailable = eligible.size - ready;
        if (unavailable > 0) status.numberUnavailable = unavailable;
        else delete status.numberUnavailable;
        if (ready === 0) delete status.numberAvailable;
        if (JSON.stringify(status) === JSON.stringify(ds.status ?? {})) return;
        const fresh = api.find(dsRt, ds.metadata.namespace, ds.metadata.name!);
        if (!fresh || fresh.metadata.uid !== ds.metadata.uid) return;
        api.update(
          dsRt,
          ds.metadata.namespace,
          ds.metadata.name!,
          { ...fresh, status },
          {
            subresource: 'status',
            fieldManager: 'kube-controller-manager',
          },
        );
      }

      function createPod(key: string, ds: KObject, nodeName: string): string | undefined {
        const template = ((ds.spec as { template?: { metadata?: KObject['metadata']; spec?: PodSpec } })
          .template ?? {}) as { metadata?: KObject['metadata']; spec?: PodSpec };
        const spec: PodSpec = structuredClone(template.spec ?? {});
        spec.tolerations = daemonSetTolerations(spec);
        // Replace the required node affinity with the node's name, as the real controller does.
        spec.affinity = {
          ...spec.affinity,
          nodeAffinity: {
            ...spec.affinity?.nodeAffinity,
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
              ],
            },
          },
        };
        const nextSuffix = () => {
          const n = created.get(key) ?? 0;
          created.set(key, n + 1);
          return stableSuffix(runtime, key, nodeName, String(n));
        };
        return createOwnedPod(
          runtime,
          ds,
          {
            labels: {
              ...template.metadata?.labels,
              'controller-revision-hash': revisionOf(ds),
              // The template generation the API server keeps in this annotation (it grows only when the template changes).
              'pod-template-generation':
                ds.metadata.annotations?.['deprecated.daemonset.template.generation'] ??
                String(ds.metadata.generation ?? 1),
            },
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            spec,
          },
          nextSuffix,
          SOURCE,
        );
      }

      function deletePod(ds: KObject, pod: KObject): void {
        deleteOwnedPod(runtime, ds, pod, SOURCE);
      }
    },
  };
}
