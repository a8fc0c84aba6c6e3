/**
 * A preset as the API objects a cluster starts with: Nodes with the labels, taints, addresses and
 * status a kubelet registers, StorageClasses, CSIDrivers, DaemonSets (and their namespaces).
 */
import type { KObject } from '../api/types.ts';
import { imageSizeOf, normalizedImage } from '../controllers/kubelet-facts.ts';
import type { Preset, PresetDaemonSet, PresetNode } from './types.ts';

export interface PresetObject {
  group: string;
  plural: string;
  object: KObject;
}

const DEFAULT_CAPACITY = { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };

/** How a preset's node is labelled, tainted, sized and addressed: one answer for every cluster built from a preset. */
export interface PresetNodeIdentity {
  labels: Record<string, string>;
  taints: NonNullable<PresetNode['taints']>;
  capacity: Record<string, string>;
  /** One /24 per node from 10.244.0.0/16 onwards, as kind allocates. */
  podCIDR: string;
  /** One address per node from 172.18.0.2, as kind allocates. */
  internalIP: string;
}

/** The identity of the `index`-th node of a preset (the embedded cluster's and the real control plane's nodes alike). */
export function presetNodeIdentity(node: PresetNode, index: number): PresetNodeIdentity {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
    ...(node.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    ...(node.zone ? { 'topology.kubernetes.io/zone': node.zone } : {}),
    ...node.labels,
  };
  const taints: PresetNodeIdentity['taints'] = [
    ...(node.controlPlane
      ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const }]
      : []),
    ...(node.taints ?? []),
  ];
  const host = index + 2;
  return {
    labels,
    taints,
    capacity: { ...DEFAULT_CAPACITY, ...node.capacity },
    podCIDR: `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`,
    internalIP: `172.18.${Math.floor(host / 256)}.${host % 256}`,
  };
}

function nodeObject(node: PresetNode, index: number, now: string, images: string[]): KObject {
  const { labels, taints, capacity, podCIDR: cidr, internalIP } = presetNodeIdentity(node, index);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const spec: Record<string, unknown> = {
    podCIDR: cidr,
    podCIDRs: [cidr],
    providerID: `kubexpect://sim/${node.name}`,
  };
  if (taints.length > 0) spec.taints = taints;
  if (node.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels,
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec,
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: images.map((image) => ({ names: [normalizedImage(image)], sizeBytes: imageSizeOf(image) })),
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://2.1.1',
        kernelVersion: '6.8.0-kubexpect',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.35.0',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
  };
}

function daemonSetObject(ds: PresetDaemonSet): KObject {
  const labels = ds.labels ?? { app: ds.name };
  const podSpec: Record<string, unknown> = {
    containers: [
      {
        name: ds.name,
        image: ds.image,
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } },
      },
    ],
    serviceAccountName: ds.name,
    priorityClassName: 'system-node-critical',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
  };
  if (ds.hostNetwork) podSpec.hostNetwork = true;
  if (ds.tolerateAll !== false) podSpec.tolerations = [{ operator: 'Exists' }];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: ds.name, namespace: ds.namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}

/** The objects to create for a (validated) preset, in creation order. */
export function presetObjects(preset: Preset, now: Date): PresetObject[] {
  const time = `${now.toISOString().slice(0, 19)}Z`;
  const out: PresetObject[] = [];
  // Node images ship with the DaemonSets' images, as kind's node image and cloud node images do.
  const images = [...new Set((preset.daemonSets ?? []).map((ds) => ds.image))];
  preset.nodes.forEach((node, i) => {
    out.push({ group: '', plural: 'nodes', object: nodeObject(node, i, time, images) });
  });
  for (const driver of preset.csiDrivers ?? []) {
    out.push({
      group: 'storage.k8s.io',
      plural: 'csidrivers',
      object: {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSIDriver',
        metadata: { name: driver.name },
        spec: {
          attachRequired: driver.attachRequired,
          podInfoOnMount: false,
          volumeLifecycleModes: ['Persistent'],
          fsGroupPolicy: 'File',
        },
      },
    });
  }
  for (const sc of preset.storageClasses ?? []) {
    const object: KObject = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: sc.name,
        ...(sc.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
      },
      provisioner: sc.provisioner,
      reclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      volumeBindingMode: sc.volumeBindingMode ?? 'Immediate',
    };
    if (sc.parameters) object.parameters = { ...sc.parameters };
    if (sc.allowVolumeExpansion !== undefined) object.allowVolumeExpansion = sc.allowVolumeExpansion;
    if (sc.allowedTopologies) object.allowedTopologies = structuredClone(sc.allowedTopologies);
    out.push({ group: 'storage.k8s.io', plural: 'storageclasses', object });
  }
  const namespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  for (const ds of preset.daemonSets ?? []) {
    if (!namespaces.has(ds.namespace)) {
      namespaces.add(ds.namespace);
      out.push({ group: '', plural: 'namespaces', object: { metadata: { name: ds.namespace } } });
    }
    out.push({
      group: '',
      plural: 'serviceaccounts',
      object: { metadata: { name: ds.name, namespace: ds.namespace } },
    });
    out.push({ group: 'apps', plural: 'daemonsets', object: daemonSetObject(ds) });
  }
  return out;
}
