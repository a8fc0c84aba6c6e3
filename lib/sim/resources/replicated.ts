/**
 * What Deployments, ReplicaSets and StatefulSets share: the selector/template rules of their
 * validation, the `scale` subresource (autoscaling/v1 Scale) that `kubectl scale` patches, and the
 * READY column (`ready/desired`).
 */
import type { SubresourceHandler } from '../api/api.ts';
import { conflict, type FieldError, invalid, OPTIMISTIC_LOCK_MESSAGE } from '../api/errors.ts';
import type { SubresourceSpec } from '../api/resource.ts';
import { fromLabelSelectorSpec, type LabelSelectorSpec, matchesLabels } from '../api/selectors.ts';
import { isPlainObject, type KObject } from '../api/types.ts';
import { labelSelectorText, sameJson } from './format.ts';
import { defaultPodSpec } from './pod-defaults.ts';
import { arr, int, map, obj, str, type Shape } from './shape.ts';

export interface ReplicatedShape {
  spec?: {
    replicas?: number;
    selector?: LabelSelectorSpec;
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { restartPolicy?: string; containers?: unknown[] };
    };
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
  };
}

export const replicated = (o: KObject) => o as unknown as ReplicatedShape;

/** The fields the hooks and printers of the three kinds read, with their JSON types. */
export function replicatedShape(
  status: Record<string, Shape>,
  spec: Record<string, Shape> = {},
): Record<string, Shape> {
  return {
    spec: obj({
      ...spec,
      replicas: int,
      selector: obj({
        matchLabels: map(),
        matchExpressions: arr(obj({ key: str, operator: str, values: arr(str) })),
      }),
      template: obj({
        metadata: obj({ labels: map(), annotations: map() }),
        spec: obj({ restartPolicy: str, containers: arr(obj()) }),
      }),
    }),
    status: obj(status),
  };
}

/**
 * The defaults the real decoder gives a pod template (SetDefaults_PodSpec, SetDefaults_Container,
 * an empty metadata), on every write of the workload that holds it.
 */
export function defaultTemplate(
  holder: Record<string, unknown>,
  options?: Parameters<typeof defaultPodSpec>[1],
): void {
  if (!isPlainObject(holder.template)) holder.template = {};
  const template = holder.template as Record<string, unknown>;
  if (!isPlainObject(template.metadata)) template.metadata = {};
  if (!isPlainObject(template.spec)) template.spec = {};
  const pod = template.spec as Record<string, unknown>;
  defaultPodSpec(pod, options);
  // ResourceRequirements is a struct, not a pointer: the real server always writes it.
  for (const c of [pod.containers, pod.initContainers].flatMap((l) => (Array.isArray(l) ? l : []))) {
    if (isPlainObject(c) && !isPlainObject(c.resources)) c.resources = {};
  }
}

/** Selector and template rules shared by apps/v1 workloads (`kind` names the empty-selector message). */
export function validateReplicated(o: KObject, old: KObject | undefined, kind: string): FieldError[] {
  const r = replicated(o);
  const errors: FieldError[] = [];
  const selector = r.spec?.selector;
  const labels = r.spec?.template?.metadata?.labels ?? {};
  if (!selector) {
    // A missing selector selects nothing, so the template's labels do not match it either.
    errors.push({ type: 'FieldValueRequired', field: 'spec.selector' });
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  } else if (
    Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length ===
    0
  ) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: selector,
      detail: `empty selector is invalid for ${kind}`,
    });
  } else if (!matchesLabels(fromLabelSelectorSpec(selector), labels)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
  }
  const replicas = r.spec?.replicas;
  if (replicas !== undefined && replicas < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      value: replicas,
      detail: 'must be greater than or equal to 0',
    });
  }
  const containers = r.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers' });
  }
  const policy = r.spec?.template?.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      value: policy,
      detail: 'supported values: "Always"',
    });
  }
  if (old && !sameJson(selector, replicated(old).spec?.selector)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      value: selector,
      detail: 'field is immutable',
    });
  }
  return errors;
}

/** `ready/desired`, the READY column of `kubectl get deployments|statefulsets`. */
export function readyOfDesired(o: KObject): string {
  const r = replicated(o);
  return `${r.status?.readyReplicas ?? 0}/${r.spec?.replicas ?? 0}`;
}

export const selectorColumn = {
  name: 'Selector',
  type: 'string' as const,
  priority: 1,
  cell: (o: KObject) => labelSelectorText(replicated(o).spec?.selector),
};

export const SCALE_SUBRESOURCE: Record<string, SubresourceSpec> = {
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
};

function scaleOf(o: KObject): KObject {
  const r = replicated(o);
  const meta: KObject['metadata'] = {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    resourceVersion: o.metadata.resourceVersion,
    creationTimestamp: o.metadata.creationTimestamp,
  };
  const status: Record<string, unknown> = { replicas: r.status?.replicas ?? 0 };
  const selector = labelSelectorText(r.spec?.selector);
  if (selector !== '<none>') status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: meta,
    // ScaleSpec.replicas is omitempty: a Scale to zero has an empty spec.
    spec: r.spec?.replicas ? { replicas: r.spec.replicas } : {},
    status,
  };
}

/** GET/PUT/PATCH `<workload>/scale`: reads and writes spec.replicas through an autoscaling/v1 Scale. */
export const scaleSubresource: SubresourceHandler = {
  get: (api, rt, namespace, name) => scaleOf(api.get(rt, namespace, name)),
  update(api, rt, namespace, name, body, ctx) {
    const current = api.get(rt, namespace, name);
    // An omitted replicas is Go's zero value, as the real decoder reads it.
    const replicas = (body?.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
    if (!Number.isInteger(replicas) || (replicas as number) < 0) {
      throw invalid('Scale', 'autoscaling', name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.replicas',
          value: replicas ?? null,
          detail: 'must be greater than or equal to 0',
        },
      ]);
    }
    const rv = body?.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict({ group: rt.group, resource: rt.plural }, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    const next = structuredClone(current);
    next.spec = { ...(next.spec as object), replicas };
    return scaleOf(api.update(rt, namespace, name, next, ctx));
  },
};
