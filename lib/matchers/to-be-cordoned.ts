import type { V1Node } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { nodeSummary } from './pod-facts.ts';

/** The node is cordoned (spec.unschedulable is true). */
export function toBeCordoned(): MatcherDefinition<ObjectState<V1Node>, V1Node> {
  return {
    name: 'toBeCordoned',
    expectation: 'to be cordoned',
    test({ object }) {
      if (!object) return fail('the node does not exist');
      return object.spec?.unschedulable ? pass(object, nodeSummary(object)) : fail(nodeSummary(object));
    },
  };
}
