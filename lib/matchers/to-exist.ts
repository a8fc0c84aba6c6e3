import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { shortUid } from './pod-facts.ts';

/** The object exists (any instance). */
export function toExist<T extends KubernetesObject>(): MatcherDefinition<ObjectState<T>, T> {
  return {
    name: 'toExist',
    expectation: 'to exist',
    test({ object }) {
      if (!object) return fail('it does not exist');
      return pass(object, `it exists (uid ${shortUid(object.metadata?.uid)})`);
    },
  };
}
