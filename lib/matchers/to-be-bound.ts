import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { phaseOf, pvcSummary } from './pod-facts.ts';

/** The PersistentVolumeClaim is Bound to a volume. */
export function toBeBound(): MatcherDefinition<
  ObjectState<V1PersistentVolumeClaim>,
  V1PersistentVolumeClaim
> {
  return {
    name: 'toBeBound',
    expectation: 'to be Bound',
    test({ object }) {
      if (!object) return fail('the claim does not exist');
      return phaseOf(object) === 'Bound' ? pass(object, pvcSummary(object)) : fail(pvcSummary(object));
    },
  };
}
