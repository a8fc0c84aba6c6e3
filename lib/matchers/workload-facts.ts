/** Small readings of Deployment, StatefulSet and Job objects shared by the matchers (JSON as the API sends it). */
import type { V1Deployment, V1Job, V1StatefulSet } from '@kubernetes/client-node';
import { conditionOf } from './pod-facts.ts';

/** `1 pod`, `3 pods`. */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `metadata.generation` and `status.observedGeneration` (0 when absent, as controllers read them). */
export function generations(o: {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number };
}): {
  generation: number;
  observed: number;
} {
  return { generation: o.metadata?.generation ?? 0, observed: o.status?.observedGeneration ?? 0 };
}

/** `Progressing=True (NewReplicaSetAvailable)`, or '' when the condition is absent. */
export function conditionText(obj: Parameters<typeof conditionOf>[0], type: string): string {
  const c = conditionOf(obj, type);
  if (!c) return '';
  return `${type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`;
}

/** `3 desired, 3 updated, 4 total, 2 available, generation 2 observed 2, Progressing=True (ReplicaSetUpdated)`. */
export function deploymentSummary(d: V1Deployment): string {
  const s = d.status ?? {};
  const { generation, observed } = generations(d);
  const parts = [
    `${d.spec?.replicas ?? 1} desired`,
    `${s.updatedReplicas ?? 0} updated`,
    `${s.replicas ?? 0} total`,
    `${s.availableReplicas ?? 0} available`,
    `generation ${generation} observed ${observed}`,
  ];
  for (const type of ['Progressing', 'Available']) {
    const text = conditionText(d, type);
    if (text) parts.push(text);
  }
  return parts.join(', ');
}

/** `3 desired, 2 ready, 3 updated, generation 1 observed 1, revision web-5d4f (update web-6c7b)`. */
export function statefulSetSummary(s: V1StatefulSet): string {
  const st = s.status ?? { replicas: 0 };
  const { generation, observed } = generations(s);
  const revisions =
    st.currentRevision === st.updateRevision
      ? `revision ${st.currentRevision ?? '-'}`
      : `revision ${st.currentRevision ?? '-'} (update ${st.updateRevision ?? '-'})`;
  return [
    `${s.spec?.replicas ?? 1} desired`,
    `${st.readyReplicas ?? 0} ready`,
    `${st.updatedReplicas ?? 0} updated`,
    `generation ${generation} observed ${observed}`,
    revisions,
  ].join(', ');
}

/** A condition of a Job that is True, with its reason and message. */
export function trueCondition(job: V1Job, type: string): { reason: string; message: string } | undefined {
  const c = conditionOf(job, type);
  return c?.status === 'True' ? { reason: c.reason ?? '', message: c.message ?? '' } : undefined;
}

/** `1 active, 0 succeeded, 2 failed`, and the Job's ending or interim condition when it has one. */
export function jobSummary(job: V1Job): string {
  const s = job.status ?? {};
  const counts = `${s.active ?? 0} active, ${s.succeeded ?? 0} succeeded, ${s.failed ?? 0} failed`;
  for (const type of ['Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet', 'Suspended']) {
    const c = trueCondition(job, type);
    if (c) return `${counts}, ${type}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`;
  }
  return counts;
}
