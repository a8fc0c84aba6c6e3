/**
 * What the kubelet needs before it can create a container: every ConfigMap and Secret its environment
 * names. A missing one (not marked optional) keeps the container waiting with
 * CreateContainerConfigError and the kubelet's message (`configmap "app-config" not found`,
 * `couldn't find key LEVEL in ConfigMap ns/app-config`; kubelet kuberuntime makeEnvironmentVariables),
 * retried on every sync until it appears.
 */
import type { Api } from '../api/api.ts';
import { isPlainObject, type KObject } from '../api/types.ts';

interface Ref {
  name?: string;
  key?: string;
  optional?: boolean;
}

const SOURCES = [
  {
    kind: 'ConfigMap',
    plural: 'configmaps',
    noun: 'configmap',
    keyRef: 'configMapKeyRef',
    fromRef: 'configMapRef',
  },
  { kind: 'Secret', plural: 'secrets', noun: 'secret', keyRef: 'secretKeyRef', fromRef: 'secretRef' },
] as const;

/** Why a container's configuration cannot be generated yet, or undefined when it can. */
export function containerConfigError(
  api: Api,
  pod: KObject,
  container: Record<string, unknown>,
): string | undefined {
  const namespace = pod.metadata.namespace!;
  const lookup = (plural: string, name: string) => api.find(api.resource('', plural), namespace, name);
  const envFrom = Array.isArray(container.envFrom) ? container.envFrom.filter(isPlainObject) : [];
  for (const from of envFrom) {
    for (const s of SOURCES) {
      const ref = from[s.fromRef] as Ref | undefined;
      if (!ref?.name || ref.optional) continue;
      if (!lookup(s.plural, ref.name)) return `${s.noun} "${ref.name}" not found`;
    }
  }
  const env = Array.isArray(container.env) ? container.env.filter(isPlainObject) : [];
  for (const variable of env) {
    if (!isPlainObject(variable.valueFrom)) continue;
    for (const s of SOURCES) {
      const ref = variable.valueFrom[s.keyRef] as Ref | undefined;
      if (!ref?.name) continue;
      const source = lookup(s.plural, ref.name);
      if (!source) {
        if (ref.optional) continue;
        return `${s.noun} "${ref.name}" not found`;
      }
      const data = {
        ...((source.data as object | undefined) ?? {}),
        ...((source.binaryData as object | undefined) ?? {}),
      };
      if (ref.key !== undefined && !(ref.key in data) && !ref.optional) {
        return `couldn't find key ${ref.key} in ${s.kind} ${namespace}/${ref.name}`;
      }
    }
  }
  return undefined;
}
