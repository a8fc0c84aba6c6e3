import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass, type SetState } from '../expect/index.ts';
import { conditionOf, isTerminating } from './pod-facts.ts';

/** At least one pod matches, and every matching pod is Ready (and not terminating). */
export function toAllBeReady(): MatcherDefinition<SetState<V1Pod>, V1Pod[]> {
  return {
    name: 'toAllBeReady',
    expectation: 'to all be Ready',
    test({ objects }) {
      if (objects.length === 0) return fail('no pods match');
      const notReady = objects.filter((p) => conditionOf(p, 'Ready')?.status !== 'True' || isTerminating(p));
      if (notReady.length === 0) return pass([...objects], `all ${objects.length} are Ready`);
      return fail(
        `${notReady.length} of ${objects.length} not Ready: ${notReady.map((p) => p.metadata?.name).join(', ')}`,
      );
    },
  };
}
