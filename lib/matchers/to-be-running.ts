import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { phaseOf, podSummary } from './pod-facts.ts';

/** The pod's phase is Running. */
export function toBeRunning(): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  return {
    name: 'toBeRunning',
    expectation: 'to be Running',
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      return phaseOf(object) === 'Running' ? pass(object, podSummary(object)) : fail(podSummary(object));
    },
  };
}
