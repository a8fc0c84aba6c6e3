/** kubexpect/sim: an embedded, simulated Kubernetes cluster that real clients talk to over HTTP. */
export { type Cluster, type ClusterOptions, kubeconfigYaml, startCluster } from './cluster.ts';
export type { FaultCode, FaultOptions } from './server/faults.ts';
export { StatusError } from './api/errors.ts';
export { kubectlPath } from './kubectl.ts';
export {
  type CloudPresetOptions,
  cloudPreset,
  type KindPresetOptions,
  kindPreset,
  PRESETS,
  type Preset,
  type PresetCsiDriver,
  type PresetDaemonSet,
  type PresetName,
  type PresetNode,
  type PresetOption,
  type PresetStorageClass,
  type StorageMobility,
} from './presets/index.ts';
export {
  DEFAULT_LATENCIES,
  type Latencies,
  type Latency,
  type LatencyOverrides,
} from './controllers/latencies.ts';
export {
  AWS_EBS,
  CEPH_RBD,
  GCE_PD,
  LOCAL_PATH,
  type LatencyRange,
  type Mobility,
  type Provisioner,
  type ProvisionerLatencies,
  type StorageOptions,
  type StorageSimulation,
  storageControllers,
} from './controllers/storage/index.ts';
export { type DisruptionControllerOptions, disruptionController } from './controllers/disruption.ts';
