import type { V1Pod } from '@kubernetes/client-node';
import {
  fail,
  type MatcherDefinition,
  type ObjectState,
  pass,
  wrongPremiseFailure,
} from '../expect/index.ts';
import { nodeOf, podSummary, shortUid, uidOf } from './pod-facts.ts';
import {
  checkRescheduleOptions,
  originalUid,
  type RescheduleOptions,
  wrongPremise,
} from './reschedule-facts.ts';

export interface Rescheduled {
  kind: 'rescheduled';
  from: string;
  to: string;
  /** UID of the new instance. */
  uid: string;
  /** UID of the original instance, when known. */
  previousUid: string | undefined;
  phase: string | undefined;
  /** When kubexpect saw it (ms epoch). */
  at: number;
  pod: V1Pod;
}

/** Judges one state for "a new instance is bound to a node other than `from`". Shared with the elastic matcher. */
export function judgeRescheduled(
  state: ObjectState<V1Pod>,
  from: string,
): { outcome?: Rescheduled; reason: string; cameBack?: boolean } {
  const pod = state.object;
  if (!pod) return { reason: 'the pod does not exist (deleted and not recreated yet)' };
  const original = originalUid(state, from);
  const uid = uidOf(pod)!;
  const node = nodeOf(pod);
  if (original && uid === original)
    return { reason: `the original instance is still there: ${podSummary(pod)}` };
  if (!node) return { reason: `a new instance exists but is not scheduled: ${podSummary(pod)}` };
  if (node === from) {
    return {
      reason: `a new instance (uid ${shortUid(uid)}) was scheduled back onto ${from}`,
      cameBack: !!original,
    };
  }
  return {
    reason: `a new instance (uid ${shortUid(uid)}) is on ${node}, ${pod.status?.phase ?? 'no phase'}`,
    outcome: {
      kind: 'rescheduled',
      from,
      to: node,
      uid,
      previousUid: original,
      phase: pod.status?.phase,
      at: state.entry.at,
      pod,
    },
  };
}

/** A new instance of the pod (not the original on `from`) is bound to another node. */
export function toBeRescheduled(
  options: RescheduleOptions,
): MatcherDefinition<ObjectState<V1Pod>, Rescheduled> {
  checkRescheduleOptions('toBeRescheduled', options);
  return {
    name: 'toBeRescheduled',
    expectation: `to be rescheduled off ${options.from}`,
    test(state) {
      const premise = wrongPremise(state, options.from);
      if (premise) return wrongPremiseFailure(premise);
      const j = judgeRescheduled(state, options.from);
      if (j.outcome) return pass(j.outcome, j.reason);
      return fail(j.reason, j.cameBack);
    },
  };
}
