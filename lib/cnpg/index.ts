/** kubexpect/cnpg: CloudNativePG helpers and Cluster matchers for e2e specs. */
export {
  expectSamePvcs,
  findCluster,
  getCluster,
  instancePods,
  type PrimaryPodOptions,
  primaryPod,
  pvcIdentities,
  pvcIdentityChanges,
  replicaPods,
} from './cluster.ts';
export { type CreateClusterOptions, createClusterFromFixture } from './create.ts';
export {
  type ClusterAssertions,
  ClusterExpectation,
  consistentlyCluster,
  eventuallyCluster,
} from './eventually-cluster.ts';
export { describeCluster } from './matchers/describe-cluster.ts';
export { promote } from './promote.ts';
export {
  CLUSTER_PHASE,
  CNPG_CLUSTERS,
  CNPG_GROUP,
  CNPG_PLURAL,
  CNPG_VERSION,
  type ClusterCondition,
  type CnpgCluster,
  selectors,
} from './types.ts';
