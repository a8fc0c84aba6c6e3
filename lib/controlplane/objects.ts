/**
 * What a fresh control plane is given before tests run: the nodes of a preset (the same names,
 * zones and labels as the embedded cluster's `kind` and `cloud` presets; kwok plays their
 * kubelets), the preset's DaemonSets, storage of both behaviours without a provisioner, and the
 * marker ConfigMap of a test cluster.
 *
 * Storage: two StorageClasses with `kubernetes.io/no-provisioner` and WaitForFirstConsumer, each
 * with static PVs. `standard` (kind's class name) has PVs pinned to one node each (required node
 * affinity on kubernetes.io/hostname, like local-path's); `standard-rwo` (the cloud preset's) has
 * PVs without node affinity, usable on any node like network storage. The preset decides which
 * class is the default.
 */
import type { V1DaemonSet, V1Node, V1PersistentVolume, V1StorageClass } from '@kubernetes/client-node';
import { type Preset, type PresetNode, cloudPreset, kindPreset, presetNodeIdentity } from '../sim/index.ts';

export type ControlPlanePreset = 'kind' | 'cloud';
export const CONTROLPLANE_PRESETS: readonly ControlPlanePreset[] = ['kind', 'cloud'];

/** The class whose PVs are pinned to one node, and the one whose PVs go anywhere. */
export const PINNED_CLASS = 'standard';
export const MOVABLE_CLASS = 'standard-rwo';
/** Label on the static PVs made here; a Released one is made Available again (see recycleVolumes). */
export const STATIC_VOLUME_LABEL = 'kubexpect.io/static-volume';

export const TEST_CLUSTER_MARKER = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kubexpect-test-cluster', namespace: 'kube-public' },
  data: { 'created-by': 'kubexpect startControlPlane: a real control plane for tests, with kwok nodes' },
};

export function presetOf(name: ControlPlanePreset): Preset {
  return name === 'cloud' ? cloudPreset() : kindPreset();
}

export function nodeObject(node: PresetNode, index: number): V1Node {
  const { labels, taints, capacity, podCIDR, internalIP } = presetNodeIdentity(node, index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: {
      podCIDR,
      podCIDRs: [podCIDR],
      providerID: `kwok://${node.name}`,
      ...(taints.length > 0 ? { taints } : {}),
      ...(node.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: node.name },
      ],
    },
  };
}

function storageClass(name: string, isDefault: boolean, behaviour: string): V1StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      annotations: {
        'storageclass.kubernetes.io/is-default-class': String(isDefault),
        'kubexpect.io/storage': behaviour,
      },
    },
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Retain',
  };
}

function volume(name: string, className: string, node: string | undefined): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { [STATIC_VOLUME_LABEL]: className } },
    spec: {
      storageClassName: className,
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
      ...(node
        ? {
            local: { path: `/mnt/kubexpect/${name}` },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                ],
              },
            },
          }
        : { nfs: { server: 'nfs.kubexpect.invalid', path: `/exports/${name}` } }),
    },
  };
}

export interface StorageObjects {
  classes: V1StorageClass[];
  volumes: V1PersistentVolume[];
}

/**
 * Both classes; `volumesPerNode` pinned PVs on each node that takes pods, and as many movable PVs
 * in all. Every PV holds 10Gi, so any claim up to that size binds.
 */
export function storageObjects(
  preset: ControlPlanePreset,
  nodes: readonly PresetNode[],
  volumesPerNode: number,
): StorageObjects {
  const workers = nodes.filter((n) => !n.controlPlane).map((n) => n.name);
  const pinned = workers.flatMap((node) =>
    Array.from({ length: volumesPerNode }, (_, i) => volume(`pinned-${node}-${i + 1}`, PINNED_CLASS, node)),
  );
  const movable = Array.from({ length: volumesPerNode * workers.length }, (_, i) =>
    volume(`movable-${i + 1}`, MOVABLE_CLASS, undefined),
  );
  return {
    classes: [
      storageClass(PINNED_CLASS, preset === 'kind', 'pinned: static PVs with hostname node affinity'),
      storageClass(MOVABLE_CLASS, preset === 'cloud', 'movable: static PVs without node affinity'),
    ],
    volumes: [...pinned, ...movable],
  };
}

export function daemonSetObjects(preset: Preset): V1DaemonSet[] {
  return (preset.daemonSets ?? []).map((ds) => {
    const labels = ds.labels ?? { app: ds.name };
    return {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: ds.name, namespace: ds.namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: ds.name, image: ds.image }],
            ...(ds.hostNetwork ? { hostNetwork: true } : {}),
            ...(ds.tolerateAll !== false ? { tolerations: [{ operator: 'Exists' }] } : {}),
          },
        },
      },
    };
  });
}
