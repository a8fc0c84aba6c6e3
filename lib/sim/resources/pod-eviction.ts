/**
 * POST pods/{name}/eviction (policy/v1): the eviction REST of the real server
 * (pkg/registry/core/pod/storage/eviction.go). Pending, finished and terminating pods are deleted
 * without consulting budgets; otherwise the one PDB matching the pod must allow a disruption, which
 * this call consumes (disruptionsAllowed−1, disruptedPods[pod]=now) before deleting the pod. PDB
 * status is computed by the disruption controller; this handler only reads and decrements it.
 */
import type { Api, DeleteOptions, SubresourceHandler } from '../api/api.ts';
import { badRequest, forbidden, StatusError, tooManyRequests } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { fromLabelSelectorSpec, matchesLabels } from '../api/selectors.ts';
import { clone, type KObject, timestamp } from '../api/types.ts';
import { SUCCESS_CREATED, setPodCondition } from './pod-binding.ts';
import type { PdbShape } from './poddisruptionbudgets.ts';

const EVICTION_VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

interface EvictionBody {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: Omit<DeleteOptions, 'dryRun'> & { dryRun?: string[] };
}

interface PodShape {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

function isReady(pod: KObject): boolean {
  return ((pod as PodShape).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function canIgnorePdb(pod: KObject): boolean {
  const phase = (pod as PodShape).status?.phase;
  return (
    phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp
  );
}

function budgetError(cause: string, retryAfterSeconds: number): StatusError {
  const causes = [{ reason: 'DisruptionBudget', message: cause }];
  // retryAfterSeconds 0 is omitted from the body (and no Retry-After header), as the real server does.
  if (retryAfterSeconds > 0) return tooManyRequests(EVICTION_VIOLATION_MESSAGE, retryAfterSeconds, causes);
  return new StatusError(429, 'TooManyRequests', EVICTION_VIOLATION_MESSAGE, { causes });
}

/** Consumes one disruption from the budget, or refuses as the real checkAndDecrement does. */
function checkAndDecrement(
  api: Api,
  pdbs: ResourceType,
  pdb: KObject,
  podName: string,
  dryRun: boolean,
): void {
  const p = pdb as PdbShape & KObject;
  const status = p.status ?? {};
  const name = pdb.metadata.name!;
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw budgetError(`The disruption budget ${name} is still being processed by the server.`, 10);
  }
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) {
    throw forbidden(
      { group: 'policy', resource: 'poddisruptionbudget' },
      name,
      'pdb disruptions allowed is negative',
    );
  }
  if (Object.keys(status.disruptedPods ?? {}).length > 2000) {
    throw forbidden(
      { group: 'policy', resource: 'poddisruptionbudget' },
      name,
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  }
  if (allowed === 0) {
    throw budgetError(
      `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
      0,
    );
  }
  if (dryRun) return;
  const next = clone(pdb) as PdbShape & KObject;
  const now = api.now();
  const nextStatus = { ...status, disruptionsAllowed: allowed - 1 };
  nextStatus.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: timestamp(now) };
  if (allowed - 1 === 0) {
    const previous = (status.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
    // As meta.SetStatusCondition: the transition time moves only when the status changes.
    conditions.push({
      type: 'DisruptionAllowed',
      status: 'False',
      reason: 'InsufficientPods',
      message: '',
      lastTransitionTime:
        previous?.status === 'False' && previous.lastTransitionTime
          ? previous.lastTransitionTime
          : timestamp(now),
      observedGeneration: status.observedGeneration,
    });
    nextStatus.conditions = conditions;
  }
  next.status = nextStatus;
  api.storeUpdate(pdbs, pdb, next, { subresource: 'status', fieldManager: 'kube-apiserver' });
}

export const podEviction: SubresourceHandler = {
  create(api, rt, namespace, name, body, ctx) {
    const eviction = (body ?? {}) as EvictionBody;
    if (eviction.metadata?.name && eviction.metadata.name !== name) {
      throw badRequest('name in URL does not match name in Eviction object');
    }
    const pod = api.get(rt, namespace, name);
    const dryRun = !!ctx.dryRun || (eviction.deleteOptions?.dryRun ?? []).includes('All');
    const options: DeleteOptions = { ...(eviction.deleteOptions ?? {}), dryRun };
    const deletePod = (markDisruption: boolean) => {
      if (markDisruption && !dryRun) {
        const marked = clone(pod);
        setPodCondition(
          marked,
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'EvictionByEvictionAPI',
            message: 'Eviction API: evicting',
          },
          api.now(),
        );
        api.storeUpdate(rt, pod, marked, { subresource: 'status', fieldManager: 'kube-apiserver' });
      }
      api.delete(rt, namespace, name, options);
      return { code: 201, body: SUCCESS_CREATED };
    };
    if (canIgnorePdb(pod)) return deletePod(false);
    const pdbs = api.registry.find('policy', 'poddisruptionbudgets');
    const matching = pdbs
      ? api.list(pdbs, namespace).items.filter((pdb) => {
          const selector = (pdb as PdbShape & KObject).spec?.selector;
          // A missing selector matches nothing; an empty one matches every pod.
          return (
            selector !== undefined &&
            selector !== null &&
            matchesLabels(fromLabelSelectorSpec(selector), pod.metadata.labels)
          );
        })
      : [];
    if (matching.length > 1) {
      return {
        code: 201,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message:
            'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
          code: 500,
        },
      };
    }
    if (matching.length === 0) return deletePod(true);
    const pdb = matching[0]! as PdbShape & KObject;
    if (!isReady(pod)) {
      const s = pdb.status ?? {};
      const healthyEnough = (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0;
      if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || healthyEnough) return deletePod(true);
    }
    checkAndDecrement(api, pdbs!, pdb, name, dryRun);
    return deletePod(true);
  },
};
