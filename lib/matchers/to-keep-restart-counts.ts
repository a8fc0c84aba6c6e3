import type { V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { shortUid } from './pod-facts.ts';
import { restartCounts, restartsSince, showCounts } from './restart-counts.ts';

/**
 * No container of the pod restarted since `baseline` (default: the pod as the wait began), and the
 * pod was not replaced. With consistently: "nothing restarted during the switchover". A restart or
 * a replacement fails at once: restart counts never go back down.
 */
export function toKeepRestartCounts(baseline?: V1Pod): MatcherDefinition<ObjectState<V1Pod>, V1Pod> {
  if (baseline !== undefined && !baseline?.metadata?.uid)
    throw new TypeError(
      'toKeepRestartCounts: the baseline must be a pod read from the API (with metadata.uid)',
    );
  return {
    name: 'toKeepRestartCounts',
    expectation: baseline
      ? `to keep its restart counts (${showCounts(restartCounts(baseline))})`
      : 'to keep its restart counts',
    test({ object, history }) {
      if (!object) return fail('the pod does not exist');
      const base = baseline ?? history.find((e) => e.object)?.object ?? object;
      const uid = base.metadata?.uid;
      if (object.metadata?.uid !== uid) {
        return fail(
          `the pod was replaced (uid ${shortUid(object.metadata?.uid)}, was ${shortUid(uid)})`,
          true,
        );
      }
      const restarted = restartsSince(restartCounts(base), object);
      if (restarted.length) return fail(`restarted: ${restarted.join('; ')}`, true);
      return pass(object, `restart counts ${showCounts(restartCounts(object))}`);
    },
  };
}
