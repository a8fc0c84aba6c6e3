/**
 * The EndpointSlice side of the endpoints controller: for every Endpoints object the endpoints
 * controller keeps, one discovery.k8s.io/v1 EndpointSlice `<service>-<suffix>` labelled
 * `kubernetes.io/service-name`, owned by the Service, with the same addresses (ready and not
 * ready), node names, target pods and ports. Removed with its Endpoints.
 */
import type { KObject } from '../api/types.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';
import { initStableRandom, stableSuffix } from './stable-random.ts';
import { ignoringRaces, MANAGER } from './workload-helpers.ts';

const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

interface Address {
  ip: string;
  nodeName?: string;
  targetRef?: Record<string, unknown>;
}

interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: { name?: string; port: number; protocol?: string }[];
}

function endpointsOf(subsets: Subset[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const subset of subsets) {
    for (const [ready, list] of [
      [true, subset.addresses],
      [false, subset.notReadyAddresses],
    ] as const) {
      for (const a of list ?? []) {
        const endpoint: Record<string, unknown> = {
          addresses: [a.ip],
          conditions: { ready, serving: ready, terminating: false },
        };
        if (a.nodeName) endpoint.nodeName = a.nodeName;
        if (a.targetRef) endpoint.targetRef = a.targetRef;
        out.push(endpoint);
      }
    }
  }
  return out;
}

function portsOf(subsets: Subset[]): Record<string, unknown>[] {
  const seen = new Map<string, Record<string, unknown>>();
  for (const p of subsets.flatMap((s) => s.ports ?? [])) {
    seen.set(`${p.name ?? ''}/${p.port}`, {
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol ?? 'TCP',
    });
  }
  return [...seen.values()];
}

export function endpointSliceController(): Controller {
  return {
    name: 'endpointslice-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const slicesRt = api.resource('discovery.k8s.io', 'endpointslices');
      const servicesRt = api.resource('', 'services');
      const endpoints = runtime.informer('', 'endpoints');
      const queue = runtime.queue('endpointslice-controller', (key) => reconcile(key));
      endpoints.on((_type, ep) => queue.add(keyOf(ep)));

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const ep = api.find(api.resource('', 'endpoints'), namespace, name);
        // Endpoints whose slices someone else keeps (the API server's own `kubernetes`).
        if (ep?.metadata.labels?.[SKIP_MIRROR] === 'true') return;
        const existing = api
          .list(slicesRt, namespace, { labelSelector: `${SERVICE_NAME}=${name}` })
          .items.filter((s) => s.metadata.labels?.[MANAGED_BY] === 'endpointslice-controller.k8s.io');
        const service = api.find(servicesRt, namespace, name);
        if (!ep || !service) {
          for (const s of existing) ignoringRaces(() => api.delete(slicesRt, namespace, s.metadata.name!));
          return;
        }
        const subsets = (ep.subsets as Subset[] | undefined) ?? [];
        const body = {
          addressType: 'IPv4',
          endpoints: endpointsOf(subsets),
          ports: portsOf(subsets),
        };
        const [slice, ...extra] = existing;
        for (const s of extra) ignoringRaces(() => api.delete(slicesRt, namespace, s.metadata.name!));
        if (!slice) {
          api.create(
            slicesRt,
            namespace,
            {
              metadata: {
                name: `${name}-${stableSuffix(runtime, 'endpointslice', key, service.metadata.uid!)}`,
                namespace,
                labels: {
                  ...service.metadata.labels,
                  [SERVICE_NAME]: name,
                  [MANAGED_BY]: 'endpointslice-controller.k8s.io',
                },
                ownerReferences: [
                  {
                    apiVersion: 'v1',
                    kind: 'Service',
                    name,
                    uid: service.metadata.uid!,
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              },
              ...body,
            },
            MANAGER,
          );
          return;
        }
        const next: KObject = { ...slice, ...body };
        ignoringRaces(() => api.update(slicesRt, namespace, slice.metadata.name!, next, MANAGER));
      }
    },
  };
}
