/**
 * The namespace controller: a namespace marked for deletion (Terminating) has its contents deleted,
 * reports what remains in its status conditions like the real controller, and once nothing is left
 * its `kubernetes` finalizer is cleared through the namespaces/finalize subresource, so it goes.
 */
import { StatusError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { type Latencies, drawLatency } from './latencies.ts';
import type { Controller, SimRuntime } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';

export interface NamespaceLifecycleOptions {
  latencies: Latencies;
}

interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

const FINALIZER = 'kubernetes';

export function namespaceLifecycle(options: NamespaceLifecycleOptions): Controller {
  return {
    name: 'namespace-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const nsRt = api.resource('', 'namespaces');
      const namespaces = runtime.informer('', 'namespaces');
      const passes = new Map<string, number>();
      const queue = runtime.queue('namespace-controller', (name) => reconcile(name));
      const enqueue = (name: string) => {
        const n = passes.get(name) ?? 0;
        passes.set(name, n + 1);
        queue.addAfter(
          name,
          drawLatency(runtime, options.latencies.namespaceCleanup, 'namespace', name, String(n)),
        );
      };
      namespaces.on((type, ns) => {
        if (type === 'DELETED') passes.delete(ns.metadata.name!);
        else if (ns.metadata.deletionTimestamp) enqueue(ns.metadata.name!);
      });

      const contentKinds = (): ResourceType[] =>
        api.registry
          .all()
          .filter(
            (rt) =>
              rt.namespaced && (!rt.verbs || (rt.verbs.includes('list') && rt.verbs.includes('delete'))),
          );

      function reconcile(name: string): void {
        const ns = api.find(nsRt, undefined, name);
        if (!ns?.metadata.deletionTimestamp) return;
        const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) as string[];
        if (!finalizers.includes(FINALIZER)) return;
        const remaining = new Map<string, number>();
        const finalizersLeft = new Map<string, number>();
        const seen = new Set<string>();
        for (const rt of contentKinds()) {
          const resource = `${rt.plural}.${rt.group}`;
          // One kind can be served at several versions; its objects are the same.
          if (seen.has(resource)) continue;
          seen.add(resource);
          for (const obj of api.list(rt, name).items) {
            remaining.set(resource, (remaining.get(resource) ?? 0) + 1);
            for (const f of obj.metadata.finalizers ?? [])
              finalizersLeft.set(f, (finalizersLeft.get(f) ?? 0) + 1);
            if (obj.metadata.deletionTimestamp) continue;
            try {
              api.delete(rt, name, obj.metadata.name!, { preconditions: { uid: obj.metadata.uid! } });
            } catch (err) {
              if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
            }
          }
        }
        // What is left after this pass (deletions without grace or finalizers are already gone).
        const left = new Map<string, number>();
        for (const rt of contentKinds()) {
          const resource = `${rt.plural}.${rt.group}`;
          if (left.has(resource)) continue;
          const n = api.list(rt, name).items.length;
          if (n > 0) left.set(resource, n);
        }
        writeConditions(ns, left, finalizersLeft);
        if (left.size > 0) {
          enqueue(name);
          return;
        }
        const handler = api.subresourceHandler(nsRt, 'finalize');
        if (!handler?.update) throw new Error('the API server has no namespaces/finalize subresource');
        const fresh = api.get(nsRt, undefined, name);
        handler.update(
          api,
          nsRt,
          undefined,
          name,
          {
            ...fresh,
            spec: { ...(fresh.spec as object), finalizers: finalizers.filter((f) => f !== FINALIZER) },
          },
          { fieldManager: 'namespace-controller' },
        );
      }

      function writeConditions(
        ns: KObject,
        left: Map<string, number>,
        finalizersLeft: Map<string, number>,
      ): void {
        const fresh = api.find(nsRt, undefined, ns.metadata.name!);
        if (!fresh) return;
        const status = (fresh.status ?? {}) as { phase?: string; conditions?: NamespaceCondition[] };
        const previous = new Map((status.conditions ?? []).map((c) => [c.type, c]));
        const now = timestamp(api.now());
        const condition = (
          type: string,
          on: boolean,
          reason: string,
          message: string,
        ): NamespaceCondition => {
          const before = previous.get(type);
          const value = on ? 'True' : 'False';
          return {
            type,
            status: value,
            lastTransitionTime: before && before.status === value ? before.lastTransitionTime : now,
            reason,
            message,
          };
        };
        const list = (m: Map<string, number>, text: (k: string, n: number) => string) =>
          [...m.entries()]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, n]) => text(k, n))
            .join(', ');
        const stillFinalizing = left.size > 0 && finalizersLeft.size > 0;
        const conditions = [
          condition(
            'NamespaceDeletionDiscoveryFailure',
            false,
            'ResourcesDiscovered',
            'All resources successfully discovered',
          ),
          condition(
            'NamespaceDeletionGroupVersionParsingFailure',
            false,
            'ParsedGroupVersions',
            'All legacy kube types successfully parsed',
          ),
          condition(
            'NamespaceDeletionContentFailure',
            false,
            'ContentDeleted',
            'All content successfully deleted, may be waiting on finalization',
          ),
          left.size > 0
            ? condition(
                'NamespaceContentRemaining',
                true,
                'SomeResourcesRemain',
                `Some resources are remaining: ${list(left, (k, n) => `${k} has ${n} resource instances`)}`,
              )
            : condition(
                'NamespaceContentRemaining',
                false,
                'ContentRemoved',
                'All content successfully removed',
              ),
          stillFinalizing
            ? condition(
                'NamespaceFinalizersRemaining',
                true,
                'SomeFinalizersRemain',
                `Some content in the namespace has finalizers remaining: ${list(finalizersLeft, (k, n) => `${k} in ${n} resource instances`)}`,
              )
            : condition(
                'NamespaceFinalizersRemaining',
                false,
                'ContentHasNoFinalizers',
                'All content-preserving finalizers finished',
              ),
        ];
        if (JSON.stringify(conditions) === JSON.stringify(status.conditions ?? [])) return;
        api.update(
          nsRt,
          undefined,
          fresh.metadata.name!,
          { ...fresh, status: { ...status, conditions } },
          {
            subresource: 'status',
            fieldManager: 'namespace-controller',
          },
        );
      }
    },
  };
}
