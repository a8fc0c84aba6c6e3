/**
 * The resource quota controller's status half (kube-controller-manager): status.hard mirrors
 * spec.hard and status.used counts what the namespace holds for each named resource — object
 * counts (pods, services, configmaps, secrets, persistentvolumeclaims, count/<resource>[.<group>]),
 * the requests and limits of its running pods, and the storage its claims request. Quotas are not
 * enforced at admission; the README says so.
 */
import type { KObject } from '../api/types.ts';
import { isTerminal, podSpec } from './kube-types.ts';
import { parseQuantity } from './node-matching.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { writeStatus } from './workload-helpers.ts';

/** Object counts by quota name: the resource each counts (group/plural). */
const COUNTED: Record<string, [string, string]> = {
  pods: ['', 'pods'],
  services: ['', 'services'],
  configmaps: ['', 'configmaps'],
  secrets: ['', 'secrets'],
  persistentvolumeclaims: ['', 'persistentvolumeclaims'],
  replicationcontrollers: ['', 'replicationcontrollers'],
  resourcequotas: ['', 'resourcequotas'],
};

const WATCHED: [string, string][] = [
  ['', 'pods'],
  ['', 'services'],
  ['', 'configmaps'],
  ['', 'secrets'],
  ['', 'persistentvolumeclaims'],
];

const BINARY: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** A quantity as the quota controller prints it: cores in milli units, bytes in the largest exact binary unit. */
function formatQuantity(name: string, value: number): string {
  if (value === 0) return '0';
  if (name.endsWith('cpu')) {
    const milli = Math.round(value * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  if (/memory|storage/.test(name)) {
    for (const [suffix, size] of BINARY) if (value % size === 0) return `${value / size}${suffix}`;
  }
  return String(value);
}

interface Usage {
  requests: Record<string, number>;
  limits: Record<string, number>;
}

function podUsage(pod: KObject): Usage {
  const out: Usage = { requests: {}, limits: {} };
  for (const c of podSpec(pod).containers ?? []) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const [name, q] of Object.entries(c.resources?.[kind] ?? {})) {
        out[kind][name] = (out[kind][name] ?? 0) + parseQuantity(q);
      }
    }
  }
  return out;
}

export function resourceQuotaController(): Controller {
  return {
    name: 'resourcequota-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const quotasRt = api.resource('', 'resourcequotas');
      const quotas = runtime.informer('', 'resourcequotas');
      const queue = runtime.queue('resourcequota-controller', (key) => reconcile(key));
      quotas.on((type, q) => {
        if (type !== 'DELETED') queue.add(keyOf(q));
      });
      for (const [group, plural] of WATCHED) {
        runtime.informer(group, plural).on((_type, obj) => {
          for (const q of quotas.list(obj.metadata.namespace)) queue.add(keyOf(q));
        }, false);
      }

      function count(namespace: string, resource: string): number {
        const [plural, ...groupParts] = resource.split('.');
        const rt = api.registry.find(groupParts.join('.'), plural!);
        return rt ? api.list(rt, namespace).items.length : 0;
      }

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const quota = api.find(quotasRt, namespace, name);
        if (!quota || !namespace) return;
        const hard = ((quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {}) as Record<
          string,
          string
        >;
        const pods = api
          .list(api.resource('', 'pods'), namespace)
          .items.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
        const usage = pods.map(podUsage);
        const claims = api.list(api.resource('', 'persistentvolumeclaims'), namespace).items;
        const used: Record<string, string> = {};
        for (const key of Object.keys(hard)) {
          let value = 0;
          const counted = COUNTED[key];
          if (counted)
            value =
              key === 'pods'
                ? pods.length
                : count(namespace, counted[1] + (counted[0] ? `.${counted[0]}` : ''));
          else if (key.startsWith('count/')) value = count(namespace, key.slice('count/'.length));
          else if (key === 'requests.storage') {
            value = claims.reduce(
              (n, c) =>
                n +
                parseQuantity(
                  (c.spec as { resources?: { requests?: { storage?: string } } })?.resources?.requests
                    ?.storage,
                ),
              0,
            );
          } else {
            const [kind, resource] = key.startsWith('limits.')
              ? (['limits', key.slice(7)] as const)
              : (['requests', key.replace(/^requests\./, '')] as const);
            value = usage.reduce((n, u) => n + (u[kind][resource] ?? 0), 0);
          }
          used[key] = formatQuantity(key, value);
        }
        writeStatus(runtime, quotasRt, quota, { hard: { ...hard }, used });
      }
    },
  };
}
