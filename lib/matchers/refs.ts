/** References: what an assertion is about, named before it exists (pods are recreated under the same name). */
import type { KubernetesObject, V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { NODES, PODS, PVCS, type ResourceKind, type Selector } from '../observe/index.ts';

/** One named object of a resource. `T` is the object's type (for matcher typing only). */
export interface ObjectRef<T extends KubernetesObject = KubernetesObject> {
  readonly kind: 'object';
  readonly resource: ResourceKind;
  /** Undefined for cluster-scoped resources. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** Never set; carries T. */
  readonly _type?: T;
}

/** The set of objects a selector picks in a namespace (or cluster-wide). */
export interface SetRef<T extends KubernetesObject = KubernetesObject> {
  readonly kind: 'set';
  readonly resource: ResourceKind;
  readonly namespace: string | undefined;
  readonly selector: Selector;
  readonly _type?: T;
}

function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

export function objectRef<T extends KubernetesObject = KubernetesObject>(
  resource: ResourceKind,
  namespace: string | undefined,
  name: string,
): ObjectRef<T> {
  if (resource.namespaced) checkName(`${resource.kind} namespace`, namespace);
  return {
    kind: 'object',
    resource,
    namespace: resource.namespaced ? namespace : undefined,
    name: checkName(`${resource.kind} name`, name),
  };
}

export function setRef<T extends KubernetesObject = KubernetesObject>(
  resource: ResourceKind,
  namespace: string | undefined,
  selector: Selector,
): SetRef<T> {
  if (resource.namespaced && namespace !== undefined) checkName(`${resource.kind} namespace`, namespace);
  if (!selector || typeof selector !== 'object') {
    throw new TypeError("expected a selector such as { labelSelector: 'app=db' }");
  }
  for (const key of Object.keys(selector)) {
    if (key !== 'labelSelector' && key !== 'fieldSelector') {
      throw new TypeError(`unknown selector field '${key}'; use labelSelector or fieldSelector`);
    }
  }
  return { kind: 'set', resource, namespace, selector: { ...selector } };
}

export const podRef = (namespace: string, name: string): ObjectRef<V1Pod> =>
  objectRef<V1Pod>(PODS, namespace, name);
export const pvcRef = (namespace: string, name: string): ObjectRef<V1PersistentVolumeClaim> =>
  objectRef<V1PersistentVolumeClaim>(PVCS, namespace, name);
export const nodeRef = (name: string): ObjectRef<V1Node> => objectRef<V1Node>(NODES, undefined, name);
export const podsRef = (namespace: string, selector: Selector): SetRef<V1Pod> =>
  setRef<V1Pod>(PODS, namespace, selector);
