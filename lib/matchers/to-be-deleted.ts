import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { shortUid } from './pod-facts.ts';

/** The object no longer exists (a terminating object still exists: it has not been deleted yet). */
export function toBeDeleted<T extends KubernetesObject>(): MatcherDefinition<ObjectState<T>, undefined> {
  return {
    name: 'toBeDeleted',
    expectation: 'to be deleted',
    test({ object }) {
      if (!object) return pass(undefined, 'it does not exist');
      const terminating = object.metadata?.deletionTimestamp ? ', terminating' : '';
      return fail(`it still exists (uid ${shortUid(object.metadata?.uid)}${terminating})`);
    },
  };
}
