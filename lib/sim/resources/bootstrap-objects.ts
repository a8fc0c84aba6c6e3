/**
 * The objects kube-apiserver creates when it starts: RBAC's bootstrap policy (cluster-admin, admin,
 * edit, view, the system: roles and their bindings, with the aggregated rules a fresh v1.36.3
 * control plane holds) and the system-node-critical / system-cluster-critical PriorityClasses.
 * They are data captured from a real control plane (../data/bootstrap/README.md), not code.
 */
import { readFileSync } from 'node:fs';
import type { Api } from '../api/api.ts';
import type { KObject } from '../api/types.ts';

let cached: KObject[] | undefined;

function bootstrapObjects(): KObject[] {
  cached ??= JSON.parse(
    readFileSync(new URL('../data/bootstrap/objects.json', import.meta.url), 'utf8'),
  ) as KObject[];
  return cached;
}

export function installBootstrapObjects(api: Api): void {
  for (const obj of bootstrapObjects()) {
    const apiVersion = obj.apiVersion ?? '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const rt = api.registry.findKind(group, obj.kind ?? '');
    if (!rt) throw new Error(`bootstrap object ${obj.kind} ${obj.metadata.name}: kind not served`);
    api.create(rt, obj.metadata.namespace, structuredClone(obj), { fieldManager: 'kube-apiserver' });
  }
}
