/** kubexpect/sim: an embedded, simulated Kubernetes cluster that real clients talk to over HTTP. */
export { type Cluster, type ClusterOptions, kubeconfigYaml, startCluster } from './cluster.ts';
export type { FaultCode, FaultOptions } from './server/faults.ts';
export { StatusError } from './api/errors.ts';
