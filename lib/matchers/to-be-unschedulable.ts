import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf, nodeOf, podSummary } from './pod-facts.ts';

/** The scheduler gave up on the pod for now: PodScheduled=False with reason Unschedulable. */
export function toBeUnschedulable(): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  return {
    name: 'toBeUnschedulable',
    expectation: 'to be Unschedulable',
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      const c = conditionOf(object, 'PodScheduled');
      const ok = !nodeOf(object) && c?.status === 'False' && c.reason === 'Unschedulable';
      return ok ? pass(object, podSummary(object)) : fail(podSummary(object));
    },
  };
}
