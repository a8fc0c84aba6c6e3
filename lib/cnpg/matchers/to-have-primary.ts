/**
 * toHavePrimary: status.currentPrimary is set (to `instance`, when given) and equals targetPrimary,
 * so no failover or switchover is in progress. Resolves to the primary's name.
 */
import { type MatcherDefinition, type ObjectState, fail, pass } from '../../expect/index.ts';
import type { CnpgCluster } from '../types.ts';
import { describeCluster } from './describe-cluster.ts';

export function toHavePrimary(instance?: string): MatcherDefinition<ObjectState<CnpgCluster>, string> {
  if (instance !== undefined && (typeof instance !== 'string' || instance === '')) {
    throw new TypeError(`toHavePrimary: the instance must be a pod name, got ${JSON.stringify(instance)}`);
  }
  return {
    name: 'toHavePrimary',
    expectation: instance ? `to have primary ${instance}` : 'to have a primary',
    test({ object }) {
      if (!object) return fail('the cluster does not exist');
      const { currentPrimary, targetPrimary } = object.status ?? {};
      if (!currentPrimary) return fail(describeCluster(object));
      if (targetPrimary !== currentPrimary)
        return fail(`${describeCluster(object)} (the change is in progress)`);
      if (instance && currentPrimary !== instance) return fail(describeCluster(object));
      return pass(currentPrimary, describeCluster(object));
    },
  };
}
