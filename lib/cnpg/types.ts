/** The parts of a CloudNativePG `Cluster` (postgresql.cnpg.io/v1) the helpers read. */

export const CNPG_GROUP = 'postgresql.cnpg.io';
export const CNPG_VERSION = 'v1';
export const CNPG_PLURAL = 'clusters';

/** Phase strings the operator writes (api/v1/cluster_types.go). */
export const CLUSTER_PHASE = {
  healthy: 'Cluster in healthy state',
  firstPrimary: 'Setting up primary',
  creatingReplica: 'Creating a new replica',
  waitingForInstances: 'Waiting for the instances to become active',
  failOver: 'Failing over',
  switchover: 'Switchover in progress',
  unrecoverable: 'Cluster is unrecoverable and needs manual intervention',
} as const;

export interface ClusterCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface CnpgCluster {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number; resourceVersion?: string };
  spec: {
    instances: number;
    enablePDB?: boolean;
    nodeMaintenanceWindow?: { inProgress?: boolean; reusePVC?: boolean };
    [field: string]: unknown;
  };
  status?: {
    phase?: string;
    phaseReason?: string;
    instances?: number;
    readyInstances?: number;
    instanceNames?: string[];
    instancesStatus?: Record<string, string[]>;
    currentPrimary?: string;
    currentPrimaryTimestamp?: string;
    targetPrimary?: string;
    targetPrimaryTimestamp?: string;
    conditions?: ClusterCondition[];
    [field: string]: unknown;
  };
}

/** Selectors mirroring CNPG's own e2e helpers (tests/utils/clusterutils). */
export const selectors = {
  instances: (cluster: string) => `cnpg.io/cluster=${cluster},cnpg.io/podRole=instance`,
  primary: (cluster: string) => `cnpg.io/cluster=${cluster},cnpg.io/instanceRole=primary`,
  replicas: (cluster: string) => `cnpg.io/cluster=${cluster},cnpg.io/instanceRole=replica`,
  pvcs: (cluster: string) => `cnpg.io/cluster=${cluster}`,
  pvcsOfInstance: (instance: string) => `cnpg.io/instanceName=${instance}`,
} as const;

/** The Cluster collection, for watches. */
export const CNPG_CLUSTERS = {
  group: CNPG_GROUP,
  version: CNPG_VERSION,
  plural: CNPG_PLURAL,
  kind: 'Cluster',
  namespaced: true,
} as const;
