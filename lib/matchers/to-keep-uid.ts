import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { shortUid } from './pod-facts.ts';

/**
 * The object is still the same instance (same UID) as `baseline`: e.g. a PVC that must survive a
 * drain. Use with consistently… to check it never changed, or eventually… to check it is back.
 */
export function toKeepUid<T extends KubernetesObject>(
  baseline: KubernetesObject | string,
): MatcherDefinition<ObjectState<T>, T> {
  const uid = typeof baseline === 'string' ? baseline : baseline?.metadata?.uid;
  if (!uid)
    throw new TypeError('toKeepUid: expected a UID or an object read from the API (with metadata.uid)');
  return {
    name: 'toKeepUid',
    expectation: `to keep UID ${shortUid(uid)}`,
    test({ object, history }) {
      if (!object) return fail(`it does not exist (UID ${shortUid(uid)} is gone)`);
      const now = object.metadata?.uid;
      if (now === uid) return pass(object, `UID is ${shortUid(uid)}`);
      // Once replaced, the original instance can never come back.
      const wasThere = history.some((e) => e.uid === uid);
      return fail(
        `UID is ${shortUid(now)}, a new instance${wasThere ? ` (${shortUid(uid)} was replaced)` : ''}`,
        true,
      );
    },
  };
}
