/**
 * What a preset is: the nodes, storage classes, CSI drivers, DaemonSets and latencies a simulated
 * cluster starts with, as plain data. `startCluster({ preset })` takes a built-in name or one of these.
 */
import type { KObject } from '../api/types.ts';
import type { Taint } from '../controllers/kube-types.ts';
import type { LatencyOverrides } from '../controllers/latencies.ts';
import type { CnpgControllerOptions } from '../controllers/cnpg/index.ts';
import type { DisruptionControllerOptions } from '../controllers/disruption.ts';
import type { StorageOptions } from '../controllers/storage/index.ts';

export interface PresetNode {
  /** The node name (and its kubernetes.io/hostname label). */
  name: string;
  /** Extra labels; kubernetes.io/hostname, kubernetes.io/os and kubernetes.io/arch are added. */
  labels?: Record<string, string>;
  /** Taints, e.g. `{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }`. */
  taints?: Omit<Taint, 'timeAdded'>[];
  /** Sets the topology.kubernetes.io/zone label. */
  zone?: string;
  /** A control-plane node: labelled node-role.kubernetes.io/control-plane and tainted NoSchedule, as kubeadm does. */
  controlPlane?: boolean;
  /** Start cordoned. */
  unschedulable?: boolean;
  /** Node capacity (also its allocatable). Default cpu 8, memory 16Gi, pods 110, ephemeral-storage 100Gi. */
  capacity?: { cpu?: string; memory?: string; pods?: string; 'ephemeral-storage'?: string };
}

export interface PresetStorageClass {
  name: string;
  provisioner: string;
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  reclaimPolicy?: 'Delete' | 'Retain';
  /** Marks it the default class (storageclass.kubernetes.io/is-default-class: "true"). */
  isDefault?: boolean;
  parameters?: Record<string, string>;
  allowVolumeExpansion?: boolean;
  allowedTopologies?: { matchLabelExpressions: { key: string; values: string[] }[] }[];
}

export interface PresetCsiDriver {
  name: string;
  /** Whether volumes need a VolumeAttachment before pods can mount them. */
  attachRequired: boolean;
}

export interface PresetDaemonSet {
  name: string;
  namespace: string;
  image: string;
  /** Labels of the DaemonSet, its selector and its pods. Default `{ app: <name> }`. */
  labels?: Record<string, string>;
  hostNetwork?: boolean;
  /** Tolerate every taint (like kindnet and kube-proxy). Default true. */
  tolerateAll?: boolean;
}

/** A cluster to simulate, as data. */
export interface Preset {
  /** Shown in errors and logs. Default `custom`. */
  name?: string;
  nodes: PresetNode[];
  storageClasses?: PresetStorageClass[];
  csiDrivers?: PresetCsiDriver[];
  daemonSets?: PresetDaemonSet[];
  /** Latency overrides by name (realistic ms), see DEFAULT_LATENCIES. */
  latencies?: LatencyOverrides;
  /** Options of the storage controllers (provisioner table, unmount time, resync). */
  storage?: StorageOptions;
  /** Options of the disruption controller. */
  disruption?: DisruptionControllerOptions;
  /** Options of the CloudNativePG operator (its latencies, drain taints, webhooks). */
  cnpg?: CnpgControllerOptions;
  /** More objects to create at start (namespaces first, then in order). */
  objects?: KObject[];
}

/**
 * `kind`: node-pinned local-path storage; `cloud`: network block storage that attaches anywhere;
 * `cloud-zonal`: zonal disks, two workers per zone, so volumes follow pods within their zone.
 */
export type PresetName = 'kind' | 'cloud' | 'cloud-zonal';

/** What `startCluster({ preset })` accepts: a built-in name or a preset. */
export type PresetOption = PresetName | Preset;
