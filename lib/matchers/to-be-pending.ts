import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { phaseOf, podSummary } from './pod-facts.ts';

/** The pod's phase is Pending (scheduled or not). */
export function toBePending(): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  return {
    name: 'toBePending',
    expectation: 'to be Pending',
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      return phaseOf(object) === 'Pending' ? pass(object, podSummary(object)) : fail(podSummary(object));
    },
  };
}
