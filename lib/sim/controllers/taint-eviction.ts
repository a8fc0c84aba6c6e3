/**
 * The taint eviction controller: pods on a node with NoExecute taints they do not tolerate are
 * deleted at once; pods that tolerate them for tolerationSeconds are deleted when that time has
 * passed since the taint was added (300 s for the default not-ready/unreachable tolerations).
 */
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { isTerminal, nodeSpec, type PodStatus, podSpec, podStatus, type Taint } from './kube-types.ts';
import { tolerates } from './node-matching.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';

const SOURCE = { component: 'taint-eviction-controller' };

/**
 * Realistic ms from now until the pod must go (0: at once), or undefined when it may stay.
 * `elapsed(taint)` is the realistic time since the taint was added.
 */
function evictionDelay(pod: KObject, taints: Taint[], elapsed: (taint: Taint) => number): number | undefined {
  const tolerations = podSpec(pod).tolerations ?? [];
  let delay: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 0;
    const bounded = matching.filter((t) => t.tolerationSeconds !== undefined);
    // Any toleration without a bound tolerates the taint forever.
    if (bounded.length < matching.length) continue;
    const seconds = Math.min(...bounded.map((t) => Math.max(0, t.tolerationSeconds!)));
    const left = Math.max(0, seconds * 1000 - elapsed(taint));
    delay = delay === undefined ? left : Math.min(delay, left);
  }
  return delay;
}

export function taintEvictionController(): Controller {
  return {
    name: 'taint-eviction-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const podsRt = api.resource('', 'pods');
      const pods = runtime.informer('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const pending = new Map<string, { uid: string; cancel: () => void }>();
      // When each NoExecute taint was first seen, in wall time: timeAdded has only second precision,
      // which is too coarse once the time scale shrinks a realistic second to milliseconds.
      const seen = new Map<string, number>();
      const taintKey = (node: string, t: Taint) => `${node}|${t.key}|${t.value ?? ''}|${t.effect}`;
      const elapsedOn = (node: string) => (t: Taint) => {
        const since = seen.get(taintKey(node, t));
        return since === undefined ? 0 : (Date.now() - since) / runtime.timeScale;
      };
      const queue = runtime.queue('taint-eviction-controller', (key) => reconcile(key));

      pods.on((type, pod) => {
        if (type === 'DELETED') {
          pending.get(keyOf(pod))?.cancel();
          pending.delete(keyOf(pod));
        } else if (podSpec(pod).nodeName) queue.add(keyOf(pod));
      });
      nodes.on((_type, node) => {
        const name = node.metadata.name!;
        const current = new Set((nodeSpec(node).taints ?? []).map((t) => taintKey(name, t)));
        for (const key of [...seen.keys()])
          if (key.startsWith(`${name}|`) && !current.has(key)) seen.delete(key);
        for (const key of current) if (!seen.has(key)) seen.set(key, Date.now());
        for (const pod of pods.list())
          if (podSpec(pod).nodeName === node.metadata.name) queue.add(keyOf(pod));
      });

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const pod = pods.get(namespace, name);
        const scheduled = pending.get(key);
        if (!pod || pod.metadata.deletionTimestamp || isTerminal(pod)) {
          scheduled?.cancel();
          pending.delete(key);
          return;
        }
        const node = nodes.get(undefined, podSpec(pod).nodeName ?? '');
        const delay = node
          ? evictionDelay(pod, nodeSpec(node).taints ?? [], elapsedOn(node.metadata.name!))
          : undefined;
        scheduled?.cancel();
        pending.delete(key);
        if (delay === undefined) return;
        const cancel = runtime.after(delay, () => {
          pending.delete(key);
          evict(key, pod.metadata.uid!);
        });
        pending.set(key, { uid: pod.metadata.uid!, cancel });
      }

      function evict(key: string, uid: string): void {
        const { namespace, name } = splitKey(key);
        const pod = api.find(podsRt, namespace, name);
        if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
        const node = api.find(api.resource('', 'nodes'), undefined, podSpec(pod).nodeName ?? '');
        if (
          !node ||
          evictionDelay(pod, nodeSpec(node).taints ?? [], elapsedOn(node.metadata.name!)) === undefined
        ) {
          return;
        }
        try {
          const status: PodStatus = { ...podStatus(pod) };
          const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
          conditions.push({
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
            lastProbeTime: null,
            lastTransitionTime: timestamp(api.now()),
          });
          api.update(
            podsRt,
            namespace,
            name,
            { ...pod, status: { ...status, conditions } },
            {
              subresource: 'status',
              fieldManager: 'kube-controller-manager',
            },
          );
          runtime.events.record(
            pod,
            'Normal',
            'TaintManagerEviction',
            `Marking for deletion Pod ${key}`,
            SOURCE,
          );
          api.delete(podsRt, namespace, name, { preconditions: { uid } });
        } catch (err) {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    },
  };
}
