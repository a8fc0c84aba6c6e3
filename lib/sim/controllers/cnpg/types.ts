/** The parts of the Cluster (postgresql.cnpg.io/v1) the simulated operator reads and writes. */
import type { KObject } from '../../api/types.ts';

export interface StorageConfiguration {
  size?: string;
  storageClass?: string;
  resizeInUseVolumes?: boolean;
  pvcTemplate?: Record<string, unknown> & {
    accessModes?: string[];
    storageClassName?: string;
    resources?: { requests?: Record<string, string> };
  };
}

export interface AffinityConfiguration {
  enablePodAntiAffinity?: boolean;
  podAntiAffinityType?: 'preferred' | 'required';
  topologyKey?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  nodeAffinity?: Record<string, unknown>;
  additionalPodAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: unknown[];
    preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
  };
  additionalPodAffinity?: Record<string, unknown>;
}

export interface ClusterSpec {
  instances?: number;
  imageName?: string;
  storage?: StorageConfiguration;
  walStorage?: StorageConfiguration;
  primaryUpdateStrategy?: 'unsupervised' | 'supervised';
  primaryUpdateMethod?: 'restart' | 'switchover';
  enablePDB?: boolean;
  enableSuperuserAccess?: boolean;
  nodeMaintenanceWindow?: { inProgress?: boolean; reusePVC?: boolean };
  affinity?: AffinityConfiguration;
  topologySpreadConstraints?: unknown[];
  failoverDelay?: number;
  switchoverDelay?: number;
  startDelay?: number;
  stopDelay?: number;
  smartShutdownTimeout?: number;
  maxSyncReplicas?: number;
  minSyncReplicas?: number;
  logLevel?: string;
  bootstrap?: { initdb?: Record<string, unknown> & { database?: string; owner?: string } };
  postgresql?: { parameters?: Record<string, string> } & Record<string, unknown>;
  replicationSlots?: Record<string, unknown>;
  primaryLease?: Record<string, unknown>;
  inheritedMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export interface ClusterCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ClusterStatus {
  instances?: number;
  readyInstances?: number;
  instanceNames?: string[];
  instancesStatus?: Record<string, string[]>;
  currentPrimary?: string;
  currentPrimaryTimestamp?: string;
  currentPrimaryFailingSinceTimestamp?: string;
  targetPrimary?: string;
  targetPrimaryTimestamp?: string;
  latestGeneratedNode?: number;
  phase?: string;
  phaseReason?: string;
  conditions?: ClusterCondition[];
  healthyPVC?: string[];
  danglingPVC?: string[];
  initializingPVC?: string[];
  resizingPVC?: string[];
  unusablePVC?: string[];
  pvcCount?: number;
  jobCount?: number;
  writeService?: string;
  readService?: string;
  selector?: string;
  image?: string;
  topology?: Record<string, unknown>;
  timelineID?: number;
  systemID?: string;
  instancesReportedState?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ClusterObject extends KObject {
  spec: ClusterSpec;
  status?: ClusterStatus;
}

export interface PodShape extends KObject {
  spec?: {
    nodeName?: string;
    volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  } & Record<string, unknown>;
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  } & Record<string, unknown>;
}

export interface NodeShape extends KObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect?: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface JobShape extends KObject {
  spec?: { completions?: number } & Record<string, unknown>;
  status?: {
    succeeded?: number;
    failed?: number;
    active?: number;
    conditions?: { type: string; status: string }[];
  };
}
