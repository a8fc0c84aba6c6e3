/**
 * Strategic merge patch for built-in kinds: like a merge patch, but lists that Kubernetes declares
 * with a patch merge key are merged element by element, and the $patch, $retainKeys,
 * $setElementOrder and $deleteFromPrimitiveList directives that kubectl sends are honoured.
 * The merge keys are the ones of the core types this simulator serves, by field name.
 */
import { badRequest } from './errors.ts';
import { clone, isPlainObject } from './types.ts';

/** Field name → patchMergeKey, from the `patchMergeKey` tags of k8s.io/api types. */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  conditions: 'type',
  ownerReferences: 'uid',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  addresses: 'type',
};

/**
 * The patch merge key of a list: by its field name, except `ports`, which a container keys by
 * containerPort and a Service by port (told apart by the items, live and patched).
 */
export function mergeKeyOf(field: string, ...lists: readonly (readonly unknown[])[]): string | undefined {
  if (field !== 'ports') return MERGE_KEYS[field];
  const has = (key: string) => lists.some((l) => l.some((item) => isPlainObject(item) && key in item));
  return !has('containerPort') && has('port') ? 'port' : 'containerPort';
}

/** Primitive lists with patchStrategy merge (values are unioned, not replaced). */
export const MERGED_PRIMITIVE_LISTS: ReadonlySet<string> = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw badRequest('the strategic merge patch must be a JSON object');
  return mergeMap(isPlainObject(target) ? target : {}, patch);
}

function mergeMap(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  if (directive === 'delete') return {};
  let out: Record<string, unknown> = { ...target };
  const retainKeys = patch.$retainKeys;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(SET_ORDER)) continue;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value))
        out[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (Array.isArray(value)) {
      out[key] = mergeList(key, Array.isArray(current) ? current : [], value, patch[`${SET_ORDER}${key}`]);
    } else if (isPlainObject(value)) {
      out[key] = mergeMap(isPlainObject(current) ? current : {}, value);
    } else {
      out[key] = value;
    }
  }
  if (Array.isArray(retainKeys)) {
    const keep = new Set(retainKeys.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function mergeList(field: string, current: unknown[], patch: unknown[], order: unknown): unknown[] {
  const mergeKey = mergeKeyOf(field, current, patch);
  if (!mergeKey) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const out = [...current];
      for (const v of patch) if (!out.includes(v)) out.push(v);
      return Array.isArray(order) ? out : patchOrder(out, patch, current, (v) => v);
    }
    if (patch.length === 1 && isPlainObject(patch[0]) && patch[0].$patch === 'replace') return [];
    return clone(patch);
  }
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) {
    return clone(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace')));
  }
  const out = current.map((c) => clone(c));
  for (const item of patch) {
    if (!isPlainObject(item)) continue;
    const key = item[mergeKey];
    const index = out.findIndex((c) => isPlainObject(c) && c[mergeKey] === key);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as Record<string, unknown>, item);
    else out.push(mergeMap({}, item));
  }
  const keyOf = (v: unknown) => (isPlainObject(v) ? v[mergeKey] : v);
  if (!Array.isArray(order)) {
    return patchOrder(
      out,
      patch.filter((p) => !(isPlainObject(p) && p.$patch === 'delete')),
      current,
      keyOf,
    );
  }
  const rank = new Map(order.map((o, i) => [keyOf(o), i]));
  out.sort(
    (a, b) =>
      (rank.get(keyOf(a)) ?? Number.MAX_SAFE_INTEGER) - (rank.get(keyOf(b)) ?? Number.MAX_SAFE_INTEGER),
  );
  return out;
}

/**
 * The order the real patcher leaves a merged list in without $setElementOrder (strategicpatch
 * normalizeElementOrder): the patch's items in patch order, the server-only ones in server order,
 * merged by the server order; an item new to the server goes before the server-only items left.
 */
function patchOrder(
  merged: unknown[],
  patch: unknown[],
  original: unknown[],
  keyOf: (v: unknown) => unknown,
): unknown[] {
  const patchKeys = patch.map(keyOf);
  const serverKeys = original.map(keyOf);
  const inPatch = merged.filter((m) => patchKeys.includes(keyOf(m)));
  inPatch.sort((a, b) => patchKeys.indexOf(keyOf(a)) - patchKeys.indexOf(keyOf(b)));
  const serverOnly = merged.filter((m) => !patchKeys.includes(keyOf(m)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < inPatch.length) {
    if (j >= inPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(inPatch[j++]);
    else {
      const li = serverKeys.indexOf(keyOf(serverOnly[i]));
      const ri = serverKeys.indexOf(keyOf(inPatch[j]));
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(inPatch[j++]);
    }
  }
  return out;
}
