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

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Names as the API server validates them, so a name that can never exist fails at the call instead
 * of passing `toBeDeleted()` at once: namespaces are RFC 1123 labels, object names (built-in kinds
 * and custom resources alike) RFC 1123 subdomains.
 */
function checkName(what: string, value: unknown, rule: 'label' | 'subdomain' = 'subdomain'): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${what} must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  const [pattern, max, words] =
    rule === 'label'
      ? [
          LABEL,
          63,
          "a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
        ]
      : [
          SUBDOMAIN,
          253,
          "a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
        ];
  const shown =
    value.length > 70
      ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)`
      : JSON.stringify(value);
  if (value.length > max) throw new TypeError(`${what} ${shown} is too long: at most ${max} characters`);
  if (!pattern.test(value))
    throw new TypeError(`${what} ${shown} is not ${words}, so no such object can exist`);
  return value;
}

export function objectRef<T extends KubernetesObject = KubernetesObject>(
  resource: ResourceKind,
  namespace: string | undefined,
  name: string,
): ObjectRef<T> {
  if (resource.namespaced) checkName(`${resource.kind} namespace`, namespace, 'label');
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
  if (resource.namespaced && namespace !== undefined)
    checkName(`${resource.kind} namespace`, namespace, 'label');
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
