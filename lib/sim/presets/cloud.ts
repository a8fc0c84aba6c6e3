/**
 * `cloud`: three workers in three zones (cloud-worker-a/b/c in zone-a/b/c; both counts can be
 * changed) and a default
 * StorageClass `standard-rwo` backed by a network CSI driver that needs attaching: Ceph RBD
 * (volumes attach on any node) by default, or a zonal cloud disk (`ebs.csi.aws.com`, PVs pinned to
 * their zone) with `storageMobility: 'zone'`. No control-plane node is visible, as on managed clouds.
 */
import type { Preset } from './types.ts';

export type StorageMobility = 'cluster' | 'zone';

export interface CloudPresetOptions {
  /** How far volumes can follow a pod: any node (`cluster`, default) or its zone (`zone`). */
  storageMobility?: StorageMobility;
  /** Binding mode of `standard-rwo`. Default: Immediate for `cluster`, WaitForFirstConsumer for `zone`. */
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  /** Number of zones, named zone-a, zone-b… Default 3. */
  zones?: number;
  /**
   * Workers in each zone: cloud-worker-a, cloud-worker-a2… Default 1. With more than one, zonal
   * volumes can follow a pod to another node of their zone.
   */
  workersPerZone?: number;
}

function count(name: string, value: number | undefined, fallback: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new TypeError(`cloudPreset: ${name} must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return n;
}

export function cloudPreset(options: CloudPresetOptions = {}): Preset {
  const mobility = options.storageMobility ?? 'cluster';
  if (mobility !== 'cluster' && mobility !== 'zone') {
    throw new TypeError(
      `cloudPreset: storageMobility must be 'cluster' or 'zone', got ${JSON.stringify(mobility)}`,
    );
  }
  const mode = options.volumeBindingMode ?? (mobility === 'zone' ? 'WaitForFirstConsumer' : 'Immediate');
  if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') {
    throw new TypeError(
      `cloudPreset: volumeBindingMode must be 'Immediate' or 'WaitForFirstConsumer', got ${JSON.stringify(mode)}`,
    );
  }
  const zones = Array.from(
    { length: count('zones', options.zones, 3, 26) },
    (_, i) => `zone-${String.fromCharCode(97 + i)}`,
  );
  const perZone = count('workersPerZone', options.workersPerZone, 1, 50);
  const driver = mobility === 'zone' ? 'ebs.csi.aws.com' : 'rook-ceph.rbd.csi.ceph.com';
  const parameters: Record<string, string> =
    mobility === 'zone'
      ? { type: 'gp3', 'csi.storage.k8s.io/fstype': 'ext4' }
      : {
          clusterID: 'rook-ceph',
          pool: 'replicapool',
          imageFormat: '2',
          imageFeatures: 'layering',
          'csi.storage.k8s.io/fstype': 'ext4',
        };
  return {
    name: mobility === 'zone' ? 'cloud (zonal storage)' : 'cloud',
    nodes: zones.flatMap((zone) =>
      Array.from(
        { length: perZone },
        (_, i) => `cloud-worker-${zone.slice('zone-'.length)}${i === 0 ? '' : i + 1}`,
      ).map((name) => ({
        name,
        zone,
        labels: {
          'topology.kubernetes.io/region': 'region-1',
          'node.kubernetes.io/instance-type': 'standard-4',
          ...(mobility === 'zone' ? { 'topology.ebs.csi.aws.com/zone': zone } : {}),
        },
        capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      })),
    ),
    storageClasses: [
      {
        name: 'standard-rwo',
        provisioner: driver,
        volumeBindingMode: mode,
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
        isDefault: true,
        parameters,
      },
    ],
    csiDrivers: [{ name: driver, attachRequired: true }],
    daemonSets: [
      {
        name: 'kube-proxy',
        namespace: 'kube-system',
        image: 'registry.k8s.io/kube-proxy:v1.35.0',
        labels: { 'k8s-app': 'kube-proxy' },
        hostNetwork: true,
      },
      mobility === 'zone'
        ? {
            name: 'ebs-csi-node',
            namespace: 'kube-system',
            image: 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.41.0',
            labels: { app: 'ebs-csi-node' },
          }
        : {
            name: 'csi-rbdplugin',
            namespace: 'kube-system',
            image: 'quay.io/cephcsi/cephcsi:v3.13.1',
            labels: { app: 'csi-rbdplugin' },
            hostNetwork: true,
          },
    ],
  };
}
