import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf, isTerminating, podSummary } from './pod-facts.ts';

/** The pod's Ready condition is True and it is not terminating. */
export function toBeReady(): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  return {
    name: 'toBeReady',
    expectation: 'to be Ready',
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      const ready = conditionOf(object, 'Ready');
      const summary = podSummary(object);
      if (ready?.status === 'True' && !isTerminating(object)) return pass(object, `Ready=True, ${summary}`);
      const why = ready
        ? `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}`
        : 'no Ready condition';
      return fail(`${why}, ${summary}`);
    },
  };
}
