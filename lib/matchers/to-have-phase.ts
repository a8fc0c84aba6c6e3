import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { phaseOf } from './pod-facts.ts';

/** `status.phase` equals `phase` (pods, PVCs, namespaces, CNPG clusters…). */
export function toHavePhase<T extends KubernetesObject>(phase: string): MatcherDefinition<ObjectState<T>, T> {
  if (typeof phase !== 'string' || phase === '')
    throw new TypeError('toHavePhase: expected a phase such as "Running"');
  return {
    name: 'toHavePhase',
    expectation: `to have phase ${phase}`,
    test({ object }) {
      if (!object) return fail('it does not exist');
      const actual = phaseOf(object);
      return actual === phase ? pass(object, `phase is ${phase}`) : fail(`phase is ${actual ?? 'unset'}`);
    },
  };
}
