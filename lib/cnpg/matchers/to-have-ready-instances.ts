/** toHaveReadyInstances(n): status.readyInstances is exactly n. */
import { type MatcherDefinition, type ObjectState, fail, pass } from '../../expect/index.ts';
import type { CnpgCluster } from '../types.ts';
import { describeCluster } from './describe-cluster.ts';

export function toHaveReadyInstances(
  count: number,
): MatcherDefinition<ObjectState<CnpgCluster>, CnpgCluster> {
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(
      `toHaveReadyInstances: expected a non-negative integer, got ${JSON.stringify(count)}`,
    );
  }
  return {
    name: 'toHaveReadyInstances',
    expectation: `to have ${count} ready instance${count === 1 ? '' : 's'}`,
    test({ object }) {
      if (!object) return fail('the cluster does not exist');
      const ok = (object.status?.readyInstances ?? 0) === count;
      return ok ? pass(object, describeCluster(object)) : fail(describeCluster(object));
    },
  };
}
