/**
 * The simulated CloudNativePG operator: a Controller that reconciles postgresql.cnpg.io/v1
 * Clusters through the Api, as the real operator does through the Kubernetes API, plus the
 * instance managers' own status writes (no PostgreSQL runs; readiness comes from the kubelet).
 */
import type { Api } from '../../api/api.ts';
import type { ResourceType } from '../../api/resource.ts';
import type { KObject } from '../../api/types.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from '../runtime.ts';
import { initStableRandom } from '../stable-random.ts';
import { CNPG_GROUP } from './naming.ts';
import {
  type ClusterMemory,
  type CnpgKinds,
  type CnpgLatencies,
  type CnpgSettings,
  DEFAULT_LATENCIES,
  Pass,
} from './pass.ts';
import { applyDefaults, reconcilePass } from './reconcile.ts';
import { DEFAULT_DRAIN_TAINTS, isDeleting, owningClusterName } from './state.ts';
import type { ClusterObject, NodeShape } from './types.ts';
import { withDefaults } from './defaults.ts';
import { installClusterAdmission } from './webhook.ts';

export type { CnpgLatencies } from './pass.ts';
export { ANNOTATION as CNPG_ANNOTATION, LABEL as CNPG_LABEL } from './naming.ts';
export { PHASE as CNPG_PHASE } from './status.ts';

export interface CnpgControllerOptions {
  /** Realistic latencies of the simulated instance managers (ms, scaled by the cluster's time scale). */
  latencies?: Partial<CnpgLatencies>;
  /** Taint keys that mean "being drained" (the operator's DRAIN_TAINTS); replaces the default list. */
  drainTaints?: string[];
  /**
   * Whether the operator's admission webhooks run (default true). Without them the controller
   * writes the defaults itself and reports invalid specs as phase "Invalid cluster definition".
   */
  webhooks?: boolean;
}

function kindsOf(api: Api): CnpgKinds | undefined {
  const find = (group: string, plural: string): ResourceType | undefined => api.registry.find(group, plural);
  const clusters = find(CNPG_GROUP, 'clusters');
  const pods = find('', 'pods');
  const pvcs = find('', 'persistentvolumeclaims');
  const nodes = find('', 'nodes');
  if (!clusters || !pods || !pvcs || !nodes) return undefined;
  return {
    clusters,
    pods,
    pvcs,
    nodes,
    jobs: find('batch', 'jobs'),
    services: find('', 'services'),
    secrets: find('', 'secrets'),
    serviceAccounts: find('', 'serviceaccounts'),
    pdbs: find('policy', 'poddisruptionbudgets'),
    storageClasses: find('storage.k8s.io', 'storageclasses'),
    leases: find('coordination.k8s.io', 'leases'),
  };
}

function nodeSignal(node: KObject): string {
  const n = node as NodeShape;
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify([!!n.spec?.unschedulable, n.spec?.taints ?? [], ready]);
}

export function cnpgController(options: CnpgControllerOptions = {}): Controller {
  const settings: CnpgSettings = {
    latencies: { ...DEFAULT_LATENCIES, ...(options.latencies ?? {}) },
    drainTaints: options.drainTaints ?? DEFAULT_DRAIN_TAINTS,
  };
  for (const [name, value] of Object.entries(settings.latencies)) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new TypeError(
        `cnpgController: latencies.${name} must be a non-negative number of ms, got ${String(value)}`,
      );
    }
  }
  const taints = options.drainTaints;
  if (taints !== undefined && (!Array.isArray(taints) || taints.some((t) => typeof t !== 'string' || !t))) {
    throw new TypeError(
      `cnpgController: drainTaints must be a list of taint keys, got ${JSON.stringify(taints)}`,
    );
  }
  return {
    name: 'cloudnative-pg',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      installClusterAdmission(runtime.api, options.webhooks !== false);
      const begin = () => {
        if (runtime.isStopped) return;
        const kinds = kindsOf(runtime.api);
        // The Cluster CRD (and PVCs) may be registered after the controller starts: look again shortly.
        if (!kinds) {
          runtime.after(200, begin);
          return;
        }
        run(runtime, kinds, settings);
      };
      begin();
    },
  };
}

function run(runtime: SimRuntime, initialKinds: CnpgKinds, settings: CnpgSettings): void {
  const memories = new Map<string, ClusterMemory>();
  const pendingRequeue = new Map<string, number>();
  const queue = runtime.queue('cloudnative-pg', (key) => {
    const kinds = kindsOf(runtime.api) ?? initialKinds;
    const { namespace, name } = splitKey(key);
    const cluster = runtime.api.find(kinds.clusters, namespace, name) as ClusterObject | undefined;
    if (!cluster || isDeleting(cluster)) {
      memories.delete(key);
      return;
    }
    if (applyDefaults(runtime, kinds, cluster)) return;
    let memory = memories.get(key);
    if (!memory) {
      memory = {};
      memories.set(key, memory);
    }
    const pass = new Pass(runtime, kinds, settings, memory, cluster, withDefaults(cluster.spec ?? {}));
    try {
      reconcilePass(pass);
    } finally {
      pass.flushStatus();
    }
    const after = pass.requeueAfter;
    if (after === undefined) return;
    const at = Date.now() + runtime.scaled(after);
    const pending = pendingRequeue.get(key);
    if (pending !== undefined && pending <= at && pending > Date.now()) return;
    pendingRequeue.set(key, at);
    runtime.after(after, () => {
      if (pendingRequeue.get(key) === at) pendingRequeue.delete(key);
      queue.add(key);
    });
  });

  runtime.informer(CNPG_GROUP, 'clusters').on((_type, obj) => queue.add(keyOf(obj)));
  const owned = (group: string, plural: string) => {
    if (!runtime.api.registry.find(group, plural)) return;
    runtime.informer(group, plural).on((_type, obj) => {
      const owner = owningClusterName(obj);
      if (owner && obj.metadata.namespace) queue.add(`${obj.metadata.namespace}/${owner}`);
    }, false);
  };
  owned('', 'pods');
  owned('', 'persistentvolumeclaims');
  owned('batch', 'jobs');
  owned('', 'services');
  owned('', 'secrets');
  owned('policy', 'poddisruptionbudgets');
  owned('coordination.k8s.io', 'leases');
  // Drains, drain taints and unreachable nodes concern the clusters with instances on the node.
  const pods = runtime.informer('', 'pods');
  runtime.informer('', 'nodes').on((type, node, old) => {
    if (type === 'MODIFIED' && old && nodeSignal(old) === nodeSignal(node)) return;
    for (const pod of pods.list()) {
      if ((pod.spec as { nodeName?: string } | undefined)?.nodeName !== node.metadata.name) continue;
      const owner = owningClusterName(pod);
      if (owner && pod.metadata.namespace) queue.add(`${pod.metadata.namespace}/${owner}`);
    }
  }, false);
}
