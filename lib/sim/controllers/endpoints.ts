/**
 * The endpoints controller (kube-controller-manager): one core/v1 Endpoints per Service with a
 * selector, listing the matching pods that have an IP, Ready ones under `addresses` and the others
 * under `notReadyAddresses`, with the Service's ports resolved against the pods' container ports.
 * What a user watches to see that `<cluster>-rw` has no endpoint during a failover.
 */
import { StatusError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { matchesLabels, parseLabelSelector } from '../api/selectors.ts';
import type { KObject } from '../api/types.ts';
import { type Controller, keyOf, type SimRuntime, splitKey } from './runtime.ts';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface ServiceShape {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; publishNotReadyAddresses?: boolean };
}

interface PodShape {
  metadata: KObject['metadata'];
  spec?: { nodeName?: string; containers?: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The port a Service port reaches on a pod: a number, or a named container port; undefined when the name is absent. */
function targetPortOn(pod: PodShape, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of pod.spec?.containers ?? []) {
    const found = (c.ports ?? []).find((p) => p.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

function subsetsFor(service: ServiceShape, pods: PodShape[]): Record<string, unknown>[] {
  const ports = service.spec?.ports ?? [];
  const groups = new Map<
    string,
    { ports: Record<string, unknown>[]; ready: unknown[]; notReady: unknown[] }
  >();
  for (const pod of pods) {
    if (!pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const resolved = ports.flatMap((p) => {
      const port = targetPortOn(pod, p);
      if (port === undefined) return [];
      const out: Record<string, unknown> = { port, protocol: p.protocol ?? 'TCP' };
      if (p.name) out.name = p.name;
      return [out];
    });
    if (ports.length > 0 && resolved.length === 0) continue;
    const key = JSON.stringify(resolved);
    let group = groups.get(key);
    if (!group) {
      group = { ports: resolved, ready: [], notReady: [] };
      groups.set(key, group);
    }
    const address: Record<string, unknown> = {
      ip: pod.status.podIP,
      targetRef: {
        kind: 'Pod',
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
      },
    };
    if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
    const ready = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready || service.spec?.publishNotReadyAddresses) group.ready.push(address);
    else group.notReady.push(address);
  }
  const byIp = (a: unknown, b: unknown) =>
    String((a as { ip: string }).ip).localeCompare(String((b as { ip: string }).ip));
  return [...groups.values()].map((g) => {
    const subset: Record<string, unknown> = {};
    if (g.ready.length) subset.addresses = g.ready.sort(byIp);
    if (g.notReady.length) subset.notReadyAddresses = g.notReady.sort(byIp);
    if (g.ports.length) subset.ports = g.ports;
    return subset;
  });
}

export function endpointsController(): Controller {
  return {
    name: 'endpoint-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const services = api.registry.find('', 'services');
      const endpoints = api.registry.find('', 'endpoints');
      if (!services || !endpoints) return;
      const serviceInformer = runtime.informer('', 'services');
      const podInformer = runtime.informer('', 'pods');
      const queue = runtime.queue('endpoint-controller', (key) => sync(runtime, services, endpoints, key));
      serviceInformer.on((_type, svc) => queue.add(keyOf(svc)));
      podInformer.on((_type, pod, old) => {
        for (const svc of serviceInformer.list(pod.metadata.namespace)) {
          const selector = (svc as ServiceShape).spec?.selector;
          if (!selector || Object.keys(selector).length === 0) continue;
          const sel = parseLabelSelector(selectorText(selector));
          if (matchesLabels(sel, pod.metadata.labels) || (old && matchesLabels(sel, old.metadata.labels))) {
            queue.add(keyOf(svc));
          }
        }
      }, false);
    },
  };
}

function sync(runtime: SimRuntime, services: ResourceType, endpoints: ResourceType, key: string): void {
  const api = runtime.api;
  const { namespace, name } = splitKey(key);
  const svc = api.find(services, namespace, name) as (KObject & ServiceShape) | undefined;
  const existing = api.find(endpoints, namespace, name);
  const selector = svc?.spec?.selector;
  if (!svc || svc.metadata.deletionTimestamp || !selector || Object.keys(selector).length === 0) {
    // Endpoints of Services without a selector belong to whoever wrote them.
    if (existing && !svc) ignoreNotFound(() => api.delete(endpoints, namespace, name));
    return;
  }
  const pods = api.list(api.resource('', 'pods'), namespace, { labelSelector: selectorText(selector) })
    .items as PodShape[];
  const subsets = subsetsFor(svc, pods);
  const body: KObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace, labels: { ...(svc.metadata.labels ?? {}) } },
  };
  if (subsets.length) body.subsets = subsets;
  try {
    if (!existing) {
      api.create(endpoints, namespace, body, { fieldManager: 'endpoint-controller' });
    } else if (
      JSON.stringify(existing.subsets ?? []) !== JSON.stringify(body.subsets ?? []) ||
      JSON.stringify(existing.metadata.labels ?? {}) !== JSON.stringify(body.metadata.labels)
    ) {
      api.update(
        endpoints,
        namespace,
        name,
        { ...body, metadata: { ...existing.metadata, labels: body.metadata.labels } },
        { fieldManager: 'endpoint-controller' },
      );
    }
  } catch (err) {
    // A namespace going away refuses new objects; a conflict is retried by the queue.
    if (!(err instanceof StatusError && (err.code === 403 || err.code === 404))) throw err;
  }
}

function ignoreNotFound(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
