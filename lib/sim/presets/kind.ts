/**
 * `kind`: what `kind create cluster` with three workers gives: kind-control-plane (tainted
 * NoSchedule) and kind-worker, kind-worker2, kind-worker3; the default StorageClass `standard`
 * (rancher.io/local-path, WaitForFirstConsumer, PVs pinned to one host); kindnet and kube-proxy
 * DaemonSets in kube-system, so a drain meets DaemonSet pods.
 */
import type { Preset, PresetNode } from './types.ts';

export interface KindPresetOptions {
  /** Number of worker nodes. Default 3. */
  workers?: number;
}

function kindWorkerName(i: number): string {
  return i === 1 ? 'kind-worker' : `kind-worker${i}`;
}

export function kindPreset(options: KindPresetOptions = {}): Preset {
  const workers = options.workers ?? 3;
  if (!Number.isInteger(workers) || workers < 0 || workers > 100) {
    throw new TypeError(
      `kindPreset: workers must be an integer from 0 to 100, got ${String(options.workers)}`,
    );
  }
  const nodes: PresetNode[] = [
    {
      name: 'kind-control-plane',
      controlPlane: true,
      labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
    },
  ];
  for (let i = 1; i <= workers; i++) nodes.push({ name: kindWorkerName(i) });
  return {
    name: 'kind',
    nodes,
    storageClasses: [
      {
        name: 'standard',
        provisioner: 'rancher.io/local-path',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        isDefault: true,
      },
    ],
    daemonSets: [
      {
        name: 'kindnet',
        namespace: 'kube-system',
        image: 'docker.io/kindest/kindnetd:v20250512-df8de77b',
        labels: { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' },
        hostNetwork: true,
      },
      {
        name: 'kube-proxy',
        namespace: 'kube-system',
        image: 'registry.k8s.io/kube-proxy:v1.35.0',
        labels: { 'k8s-app': 'kube-proxy' },
        hostNetwork: true,
      },
    ],
  };
}
