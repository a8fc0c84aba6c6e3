import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { nodeOf, podSummary } from './pod-facts.ts';

/** The pod is bound to a node (spec.nodeName is set). */
export function toBeScheduled(): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  return {
    name: 'toBeScheduled',
    expectation: 'to be scheduled',
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      return nodeOf(object) ? pass(object, podSummary(object)) : fail(podSummary(object));
    },
  };
}
