import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { nodeOf, podSummary } from './pod-facts.ts';

/** The pod is bound to `node`. */
export function toBeOnNode(node: string): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  if (typeof node !== 'string' || node === '') throw new TypeError('toBeOnNode: expected a node name');
  return {
    name: 'toBeOnNode',
    expectation: `to be on node ${node}`,
    test({ object }) {
      if (!object) return fail('the pod does not exist');
      return nodeOf(object) === node ? pass(object, podSummary(object)) : fail(podSummary(object));
    },
  };
}
