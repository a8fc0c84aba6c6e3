/** kubexpect/cnpg: CloudNativePG helpers for e2e specs. */
export {
  expectSamePvcs,
  findCluster,
  getCluster,
  instancePods,
  primaryPod,
  pvcIdentities,
  pvcIdentityChanges,
  replicaPods,
} from './cluster.ts';
export { promote } from './promote.ts';
export {
  CLUSTER_PHASE,
  CNPG_GROUP,
  CNPG_PLURAL,
  CNPG_VERSION,
  type ClusterCondition,
  type CnpgCluster,
  selectors,
} from './types.ts';
