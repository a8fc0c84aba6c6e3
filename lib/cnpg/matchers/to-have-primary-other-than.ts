/**
 * toHavePrimaryOtherThan: a failover or switchover away from `former` has completed:
 * currentPrimary is another instance and equals targetPrimary. Resolves to the new primary's name.
 */
import { type MatcherDefinition, type ObjectState, fail, pass } from '../../expect/index.ts';
import type { CnpgCluster } from '../types.ts';
import { describeCluster } from './describe-cluster.ts';

export function toHavePrimaryOtherThan(former: string): MatcherDefinition<ObjectState<CnpgCluster>, string> {
  if (typeof former !== 'string' || former === '') {
    throw new TypeError(
      `toHavePrimaryOtherThan: the former primary must be a pod name, got ${JSON.stringify(former)}`,
    );
  }
  return {
    name: 'toHavePrimaryOtherThan',
    expectation: `to have a primary other than ${former}`,
    test({ object }) {
      if (!object) return fail('the cluster does not exist');
      const { currentPrimary, targetPrimary } = object.status ?? {};
      if (!currentPrimary || currentPrimary === former) return fail(describeCluster(object));
      if (targetPrimary !== currentPrimary)
        return fail(`${describeCluster(object)} (the change is in progress)`);
      return pass(currentPrimary, describeCluster(object));
    },
  };
}
