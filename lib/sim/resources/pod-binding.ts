/**
 * POST pods/{name}/binding: what the scheduler calls to place a pod. Sets spec.nodeName, copies the
 * Binding's annotations and marks PodScheduled=True in one write, like the real BindingREST.
 */
import type { Api, SubresourceHandler } from '../api/api.ts';
import { badRequest, conflict, invalid } from '../api/errors.ts';
import { clone, type KObject, timestamp } from '../api/types.ts';

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/** Sets a pod condition, keeping lastTransitionTime when the status does not change. */
export function setPodCondition(pod: KObject, condition: PodCondition, now: Date): void {
  const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
  const conditions = [...(status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const previous = i >= 0 ? conditions[i] : undefined;
  const next: PodCondition = {
    lastProbeTime: null,
    ...condition,
    lastTransitionTime:
      previous && previous.status === condition.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : timestamp(now),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  pod.status = { ...status, conditions };
}

export const SUCCESS_CREATED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  code: 201,
};

export const podBinding: SubresourceHandler = {
  create(api: Api, rt, namespace, name, body, ctx) {
    const binding = (body ?? {}) as KObject & { target?: { kind?: string; name?: string } };
    if (binding.metadata?.name && binding.metadata.name !== name) {
      throw badRequest('name in URL does not match name in Binding object');
    }
    const target = binding.target;
    if (!target?.name) {
      throw invalid('Binding', '', name, [{ type: 'FieldValueRequired', field: 'target.name' }]);
    }
    if (target.kind && target.kind !== 'Node') {
      throw invalid('Binding', '', name, [
        {
          type: 'FieldValueInvalid',
          field: 'target.kind',
          value: target.kind,
          detail: "must be empty or 'Node'",
        },
      ]);
    }
    const pod = api.get(rt, namespace, name);
    const gr = { group: '', resource: 'pods/binding' };
    const uid = binding.metadata?.uid;
    if (uid && uid !== pod.metadata.uid) {
      throw conflict(
        gr,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`,
      );
    }
    if (pod.metadata.deletionTimestamp) {
      throw conflict(gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    }
    const current = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (current) throw conflict(gr, name, `pod ${name} is already assigned to node "${current}"`);
    const next = clone(pod);
    next.spec = { ...(next.spec as object), nodeName: target.name };
    const annotations = binding.metadata?.annotations;
    if (annotations && Object.keys(annotations).length > 0) {
      next.metadata.annotations = { ...next.metadata.annotations, ...annotations };
    }
    setPodCondition(next, { type: 'PodScheduled', status: 'True' }, api.now());
    if (!ctx.dryRun) api.storeUpdate(rt, pod, next, { fieldManager: ctx.fieldManager, wholeObject: true });
    return { code: 201, body: SUCCESS_CREATED };
  },
};
