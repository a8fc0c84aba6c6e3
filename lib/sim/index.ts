/** kubexpect/sim: an embedded, simulated Kubernetes cluster that real clients talk to over HTTP. */
export { type Cluster, type ClusterOptions, kubeconfigYaml, startCluster } from './cluster.ts';
export type { FaultCode, FaultOptions } from './server/faults.ts';
export { StatusError } from './api/errors.ts';
export { helmPath, kubectlPath } from './kubectl.ts';
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
  resolveLatencies,
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
export { scheduler, type SchedulerOptions } from './controllers/scheduler.ts';
export {
  type KubeletOptions,
  kubelet,
  SIM_EXIT_CODE,
  SIM_IMAGE_PULL,
  SIM_READY,
  SIM_RUN_SECONDS,
} from './controllers/kubelet.ts';
export { NODE_DOWN_ANNOTATION, nodeLifecycle } from './controllers/node-lifecycle.ts';
export { taintEvictionController } from './controllers/taint-eviction.ts';
export { garbageCollector } from './controllers/garbage-collector.ts';
export { namespaceLifecycle } from './controllers/namespace-lifecycle.ts';
export { jobController } from './controllers/job.ts';
export { daemonSetController } from './controllers/daemonset.ts';
export {
  type PresetNodeIdentity,
  presetControllers,
  presetNodeIdentity,
  resolvePreset,
} from './presets/index.ts';
export {
  CNPG_ANNOTATION,
  CNPG_LABEL,
  CNPG_PHASE,
  type CnpgControllerOptions,
  type CnpgLatencies,
  cnpgController,
} from './controllers/cnpg/index.ts';
export { endpointsController } from './controllers/endpoints.ts';
