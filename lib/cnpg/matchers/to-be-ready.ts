/** toBeReady: healthy phase and every instance Ready, like CNPG's AssertClusterIsReady. */
import { type MatcherDefinition, type ObjectState, fail, pass } from '../../expect/index.ts';
import { CLUSTER_PHASE, type CnpgCluster } from '../types.ts';
import { describeCluster } from './describe-cluster.ts';

export function toBeReady(): MatcherDefinition<ObjectState<CnpgCluster>, CnpgCluster> {
  return {
    name: 'toBeReady',
    expectation: `to be ready (phase "${CLUSTER_PHASE.healthy}" and every instance Ready)`,
    test({ object }) {
      if (!object) return fail('the cluster does not exist');
      const s = object.status ?? {};
      const ok = s.phase === CLUSTER_PHASE.healthy && s.readyInstances === object.spec.instances;
      return ok ? pass(object, describeCluster(object)) : fail(describeCluster(object));
    },
  };
}
