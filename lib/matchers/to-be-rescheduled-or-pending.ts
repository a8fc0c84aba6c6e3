import type { V1Pod } from '@kubernetes/client-node';
import {
  fail,
  type MatcherDefinition,
  type ObjectState,
  pass,
  wrongPremiseFailure,
} from '../expect/index.ts';
import { conditionOf, nodeOf, shortUid, uidOf } from './pod-facts.ts';
import {
  checkRescheduleOptions,
  originalUid,
  type RescheduleOptions,
  wrongPremise,
} from './reschedule-facts.ts';
import type { OutcomeExpectation } from './storage-expectation.ts';
import { judgeRescheduled, type Rescheduled } from './to-be-rescheduled.ts';

export interface PendingOutcome {
  kind: 'pending';
  from: string;
  /** The scheduler's reason (PodScheduled condition), e.g. `Unschedulable`. */
  reason: string;
  /** The scheduler's message, e.g. `0/3 nodes are available: 1 node(s) were unschedulable…`. */
  message: string;
  uid: string;
  previousUid: string | undefined;
  at: number;
  pod: V1Pod;
}

/** Which legitimate outcome happened. */
export type RescheduleOutcome = PendingOutcome | Rescheduled;

export interface RescheduledOrPendingOptions extends RescheduleOptions {
  /**
   * Narrow the outcomes: 'pending' (storage bound to the node), 'rescheduled' (storage follows the
   * pod), or 'auto' (ask the registered storage expectation resolver). Default: either outcome.
   */
  expect?: 'pending' | 'rescheduled' | 'auto';
}

/**
 * The elastic matcher: a new instance of the pod (never the original one still on `from`) is either
 * Unschedulable (Pending, with the scheduler's reason) or bound to a node other than `from`. Decided
 * from every observed state, so a pod that is Pending for a moment and then moves is judged as it
 * was first seen. A new instance bound back onto `from` fails at once.
 * `narrowed` is the expectation after 'auto' was resolved; `because` explains it in messages.
 */
export function toBeRescheduledOrPending(
  options: RescheduledOrPendingOptions,
  narrowedTo?: OutcomeExpectation,
  because?: string,
): MatcherDefinition<ObjectState<V1Pod>, RescheduleOutcome> {
  checkRescheduleOptions('toBeRescheduledOrPending', options, ['from', 'baseline', 'expect']);
  const narrowed =
    narrowedTo ?? (options.expect === 'auto' || options.expect === undefined ? 'either' : options.expect);
  if (options.expect !== undefined && !['pending', 'rescheduled', 'auto'].includes(options.expect)) {
    throw new TypeError(
      `toBeRescheduledOrPending: expect must be 'pending', 'rescheduled' or 'auto', got ${String(options.expect)}`,
    );
  }
  const { from } = options;
  const expectation =
    narrowed === 'pending'
      ? `to be Pending after leaving ${from}`
      : narrowed === 'rescheduled'
        ? `to be rescheduled off ${from}`
        : `to be rescheduled off ${from} or Pending`;
  const suffix = because ? ` (${because})` : '';
  return {
    name: 'toBeRescheduledOrPending',
    expectation: `${expectation}${suffix}`,
    negatable: false,
    test(state) {
      const premise = wrongPremise(state, from);
      if (premise) return wrongPremiseFailure(premise);
      const pod = state.object;
      const moved = judgeRescheduled(state, from);
      if (moved.outcome) {
        if (narrowed === 'pending') {
          return fail(`expected it to stay Pending, but ${moved.reason}`, true);
        }
        return pass(moved.outcome, moved.reason);
      }
      if (moved.cameBack) return fail(moved.reason, true);
      if (pod && !nodeOf(pod)) {
        const original = originalUid(state, from);
        const uid = uidOf(pod)!;
        const sched = conditionOf(pod, 'PodScheduled');
        if (uid !== original && sched?.status === 'False' && sched.reason === 'Unschedulable') {
          const reason = `a new instance (uid ${shortUid(uid)}) is Pending: ${sched.reason}: ${sched.message ?? ''}`;
          if (narrowed === 'rescheduled') return fail(reason);
          return pass(
            {
              kind: 'pending',
              from,
              reason: sched.reason,
              message: sched.message ?? '',
              uid,
              previousUid: original,
              at: state.entry.at,
              pod,
            },
            reason,
          );
        }
        if (uid !== original)
          return fail(`a new instance (uid ${shortUid(uid)}) is waiting for the scheduler's decision`);
      }
      return fail(moved.reason);
    },
  };
}
