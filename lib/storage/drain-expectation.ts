/**
 * What a drain should do to a pod, judged from its storage: the answer elastic matchers
 * (`toBeRescheduledOrPending({ expect: 'auto' })`) check an observed outcome against.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { type PodStorage, storageForPod } from './claim-storage.ts';
import type { DrainOutcome } from './profile.ts';

/** The two outcomes a drained, recreated pod can end in. */
export type ObservedDrainOutcome = 'pending' | 'rescheduled';

export interface DrainExpectation {
  /** What the storage predicts. */
  readonly expected: DrainOutcome;
  /** Outcomes the storage rules out: a reschedule off a volume only the drained node can use. */
  readonly impossible: readonly ObservedDrainOutcome[];
  /** One paragraph: the prediction, and the evidence behind it. */
  readonly explanation: string;
  readonly storage: PodStorage;
}

export interface DrainExpectationOptions {
  /** The node being drained (default: the pod's own node), to tell which volumes can go elsewhere. */
  readonly node?: string;
}

/**
 * Predicts the drain outcome for a pod from the volumes it mounts. Pass the pod object captured
 * before the drain when the pod may already be gone; its claims are read by name.
 */
export async function expectedDrainOutcome(
  conn: Connection,
  namespace: string,
  pod: string | V1Pod,
  options: DrainExpectationOptions = {},
): Promise<DrainExpectation> {
  const storage = await storageForPod(conn, namespace, pod);
  const node = options.node ?? (typeof pod === 'string' ? undefined : pod.spec?.nodeName);
  const podName = `${namespace}/${storage.pod}`;

  // A bound volume that only the drained node can use pins the pod there, whatever its class says.
  for (const claim of storage.claims) {
    if (!claim.usableOn || node === undefined) continue;
    const elsewhere = claim.usableOn.filter((n) => n !== node);
    if (elsewhere.length === 0) {
      return {
        expected: 'pending',
        impossible: ['rescheduled'],
        explanation: `pod ${podName} should stay Pending: claim ${claim.claim} is bound to PV ${claim.volume}, which no node other than ${node} can use (${claim.mobility.evidence[0]?.detail ?? 'node affinity'})`,
        storage,
      };
    }
  }
  const expected = storage.drainOutcome.value;
  const why = storage.drainOutcome.evidence.map((e) => `${e.source}: ${e.detail}`).join('; ');
  const impossible: ObservedDrainOutcome[] = expected === 'pending' ? ['rescheduled'] : [];
  const sentence: Record<DrainOutcome, string> = {
    pending: 'should stay Pending until its node is uncordoned',
    rescheduled:
      'should be recreated on another node (it may still go Pending for reasons other than storage)',
    either: 'may be recreated elsewhere or stay Pending',
  };
  return { expected, impossible, explanation: `pod ${podName} ${sentence[expected]}: ${why}`, storage };
}
