/** toBeInPhase(phase): status.phase is exactly the operator's phase string. */
import { type MatcherDefinition, type ObjectState, fail, pass } from '../../expect/index.ts';
import type { CnpgCluster } from '../types.ts';
import { describeCluster } from './describe-cluster.ts';

export function toBeInPhase(phase: string): MatcherDefinition<ObjectState<CnpgCluster>, CnpgCluster> {
  if (typeof phase !== 'string' || phase.trim() === '') {
    throw new TypeError(
      `toBeInPhase: expected a phase string such as "Cluster in healthy state", got ${JSON.stringify(phase)}`,
    );
  }
  return {
    name: 'toBeInPhase',
    expectation: `to be in phase "${phase}"`,
    test({ object }) {
      if (!object) return fail('the cluster does not exist');
      return object.status?.phase === phase
        ? pass(object, describeCluster(object))
        : fail(describeCluster(object));
    },
  };
}
