/** Which REST collection a cache lists and watches. */
export interface ResourceKind {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  /** REST plural, e.g. `pods`, `clusters`. */
  plural: string;
  /** Kind, e.g. `Pod`; used for events (involvedObject.kind) and messages. */
  kind: string;
  namespaced: boolean;
}

export const PODS: ResourceKind = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const PVCS: ResourceKind = {
  group: '',
  version: 'v1',
  plural: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  namespaced: true,
};
export const NODES: ResourceKind = {
  group: '',
  version: 'v1',
  plural: 'nodes',
  kind: 'Node',
  namespaced: false,
};

export const NAMESPACES: ResourceKind = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};

/** A resource from an apiVersion (`postgresql.cnpg.io/v1`, `v1`), kind and plural. */
export function resourceKind(
  apiVersion: string,
  kind: string,
  plural: string,
  namespaced = true,
): ResourceKind {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (!version || !kind || !plural) {
    throw new TypeError(
      `resourceKind: apiVersion, kind and plural are required (got ${apiVersion}, ${kind}, ${plural})`,
    );
  }
  return { group, version, plural, kind, namespaced };
}

export function apiVersionOf(r: ResourceKind): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The collection path, e.g. `/api/v1/namespaces/default/pods`. */
export function collectionPath(r: ResourceKind, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}`;
}

/** A lower-case noun for messages: `pod`, `persistentvolumeclaim`, `cluster`. */
export function noun(r: ResourceKind): string {
  return r.kind.toLowerCase();
}
