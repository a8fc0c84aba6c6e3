/** Legacy discovery documents (/api, /apis, /api/v1, /apis/G/V) built from the registry. */
import type { Registry } from '../api/registry.ts';
import { ALL_VERBS, type ResourceType } from '../api/resource.ts';

/**
 * The release whose API the simulator serves: its OpenAPI documents (../data/openapi) and
 * generated.proto files (../data/proto) are v1.36.3's, so /version says so too (kubectl 1.35 and
 * 1.37 stay within the supported skew of one minor). `+kubexpect` is semver build metadata: it
 * compares equal to v1.36.3 in a chart's kubeVersion constraint.
 */
export const SERVER_VERSION = {
  major: '1',
  minor: '36',
  emulationMajor: '1',
  emulationMinor: '36',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '35',
  gitVersion: 'v1.36.3+kubexpect',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.26.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(address: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

function groupEntry(registry: Registry, group: string) {
  const versions = registry
    .groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0]! };
}

export function apiGroupList(registry: Registry) {
  const groups = [...new Set(registry.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(registry, g)) };
}

export function apiGroup(registry: Registry, group: string) {
  if (!registry.groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(registry, group) };
}

function resourceEntries(rt: ResourceType) {
  const main: Record<string, unknown> = {
    name: rt.plural,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: [...(rt.verbs ?? ALL_VERBS)],
  };
  if (rt.shortNames?.length) main.shortNames = rt.shortNames;
  if (rt.categories?.length) main.categories = rt.categories;
  const out: Record<string, unknown>[] = [main];
  if (rt.hasStatus) {
    out.push({
      name: `${rt.plural}/status`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  for (const [name, sub] of Object.entries(rt.subresources ?? {})) {
    const entry: Record<string, unknown> = {
      name: `${rt.plural}/${name}`,
      singularName: '',
      namespaced: rt.namespaced,
      kind: sub.kind,
      verbs: sub.verbs,
    };
    if (sub.group !== undefined) entry.group = sub.group;
    if (sub.version !== undefined) entry.version = sub.version;
    out.push(entry);
  }
  return out;
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const rts = registry.all().filter((rt) => rt.group === group && rt.version === version);
  if (rts.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: rts.flatMap(resourceEntries),
  };
}

/** The media type of aggregated discovery (apidiscovery.k8s.io/v2), as clients ask for it and servers answer. */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/**
 * Whether an Accept header asks for aggregated discovery v2 (kubectl and client-go list it first, then
 * v2beta1, then plain JSON, and read the answer's Content-Type to tell which they got).
 */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    if (type !== 'application/json') return false;
    const p = new Map(params.map((kv) => kv.split('=', 2) as [string, string]));
    return (
      p.get('g') === 'apidiscovery.k8s.io' && p.get('v') === 'v2' && p.get('as') === 'APIGroupDiscoveryList'
    );
  });
}

function resourceDiscovery(rt: ResourceType) {
  const entry: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: [...(rt.verbs ?? ALL_VERBS)],
  };
  if (rt.shortNames?.length) entry.shortNames = rt.shortNames;
  if (rt.categories?.length) entry.categories = rt.categories;
  const subresources: Record<string, unknown>[] = [];
  if (rt.hasStatus) {
    subresources.push({
      subresource: 'status',
      responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
      verbs: ['get', 'patch', 'update'],
    });
  }
  for (const [name, sub] of Object.entries(rt.subresources ?? {})) {
    subresources.push({
      subresource: name,
      responseKind: { group: sub.group ?? rt.group, version: sub.version ?? rt.version, kind: sub.kind },
      verbs: sub.verbs,
    });
  }
  if (subresources.length > 0) entry.subresources = subresources;
  return entry;
}

/**
 * The aggregated discovery document (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) for `/api` (the
 * core group, whose name is empty) or `/apis` (every other group): groups with their versions and
 * every resource in one answer, so kubectl needs no request per group version.
 */
export function aggregatedDiscovery(registry: Registry, core: boolean) {
  const groups = [...new Set(registry.groupVersions().map((gv) => gv.group))].filter(
    (g) => (g === '') === core,
  );
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((group) => ({
      metadata: group ? { name: group } : {},
      versions: registry
        .groupVersions()
        .filter((gv) => gv.group === group)
        .map((gv) => ({
          version: gv.version,
          resources: registry
            .all()
            .filter((rt) => rt.group === group && rt.version === gv.version)
            .map(resourceDiscovery),
          freshness: 'Current',
        })),
    })),
  };
}
