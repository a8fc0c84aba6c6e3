import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass, type SetState } from '../expect/index.ts';

/** No matching pod is bound to `node` (an empty set passes: nothing is on it). */
export function toAllBeOffNode(node: string): MatcherDefinition<SetState<V1Pod>, V1Pod[]> {
  if (typeof node !== 'string' || node === '') throw new TypeError('toAllBeOffNode: expected a node name');
  return {
    name: 'toAllBeOffNode',
    expectation: `to all be off node ${node}`,
    test({ objects }) {
      const on = objects.filter((p) => p.spec?.nodeName === node);
      if (on.length === 0) return pass([...objects], `none of ${objects.length} is on ${node}`);
      return fail(`${on.length} still on ${node}: ${on.map((p) => p.metadata?.name).join(', ')}`);
    },
  };
}
