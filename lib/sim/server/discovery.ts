/** Legacy discovery documents (/api, /apis, /api/v1, /apis/G/V) built from the registry. */
import type { Registry } from '../api/registry.ts';
import { ALL_VERBS, type ResourceType } from '../api/resource.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '35',
  emulationMajor: '1',
  emulationMinor: '35',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '34',
  gitVersion: 'v1.35.0-kubexpect',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.25.0',
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
