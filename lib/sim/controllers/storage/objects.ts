/**
 * The storage objects as the storage controllers read them (claims, volumes, classes, CSI drivers,
 * attachments), the annotation and finalizer names the real components use, and small readers.
 */
import type { Api } from '../../api/api.ts';
import type { ResourceType } from '../../api/resource.ts';
import type { KObject, ObjectMeta } from '../../api/types.ts';
import type { NodeSelectorTerm } from '../kube-types.ts';
import { matchesNodeSelector } from '../node-matching.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export interface ClaimRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface Claim extends KObject {
  spec?: {
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
    storageClassName?: string | null;
    volumeName?: string;
    volumeMode?: string;
    selector?: {
      matchLabels?: Record<string, string>;
      matchExpressions?: {
        key: string;
        operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
        values?: string[];
      }[];
    };
  };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
}

export interface Volume extends KObject {
  spec?: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    claimRef?: ClaimRef;
    persistentVolumeReclaimPolicy?: string;
    storageClassName?: string;
    volumeMode?: string;
    mountOptions?: string[];
    nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
    csi?: {
      driver: string;
      volumeHandle: string;
      fsType?: string;
      volumeAttributes?: Record<string, string>;
    };
    hostPath?: { path: string; type?: string };
    local?: { path: string };
  };
  status?: { phase?: string; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface StorageClass extends KObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values?: string[] }[] }[];
}

export interface VolumeAttachment extends KObject {
  spec?: { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string } };
  status?: {
    attached?: boolean;
    attachmentMetadata?: Record<string, string>;
    attachError?: { time?: string; message?: string };
    detachError?: { time?: string; message?: string };
  };
}

export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
}

export interface PodLike extends KObject {
  spec?: { nodeName?: string; volumes?: PodVolume[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { state?: { running?: unknown; waiting?: unknown; terminated?: unknown } }[];
    initContainerStatuses?: { state?: { running?: unknown; waiting?: unknown; terminated?: unknown } }[];
  };
}

export function annotation(obj: KObject, key: string): string | undefined {
  return obj.metadata.annotations?.[key];
}

/** A copy of the metadata with the annotations set (undefined values removed). */
export function withAnnotations(meta: ObjectMeta, values: Record<string, string | undefined>): ObjectMeta {
  const annotations = { ...(meta.annotations ?? {}) };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete annotations[k];
    else annotations[k] = v;
  }
  return { ...meta, annotations };
}

/** The claims a pod mounts, by volume name. */
export function claimsOf(pod: PodLike): { volume: string; claim: string }[] {
  return (pod.spec?.volumes ?? [])
    .filter((v) => v.persistentVolumeClaim?.claimName)
    .map((v) => ({ volume: v.name, claim: v.persistentVolumeClaim!.claimName }));
}

/** The class a claim asks for: undefined when it names none (nil), '' for "no class". */
export function claimClass(claim: Claim): string | undefined {
  const v = claim.spec?.storageClassName;
  return v === null ? undefined : v;
}

/** The node the pod is bound to. */
export function nodeOf(pod: PodLike): string | undefined {
  return pod.spec?.nodeName || undefined;
}

/**
 * A pod the attach/detach controller no longer keeps volumes attached for: finished, or being
 * deleted with no container running any more (volumeutil.IsPodTerminated).
 */
export function isPodTerminated(pod: PodLike): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (!pod.metadata.deletionTimestamp) return false;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.every((s) => !s.state?.running);
}

/** Whether a PV may be used on a node: no required node affinity, or one term matches. */
export function volumeFitsNode(volume: Volume, node: KObject): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  return !required || matchesNodeSelector(required, node);
}

/** Writes an object's status through the status subresource when the kind has one. */
export function writeStatus(api: Api, rt: ResourceType, obj: KObject, fieldManager: string): KObject {
  return api.update(rt, obj.metadata.namespace, obj.metadata.name!, obj, {
    fieldManager,
    ...(rt.hasStatus ? { subresource: 'status' as const } : {}),
  });
}

/** The resource types the storage controllers use, resolved once per runtime. */
export interface StorageResources {
  pods: ResourceType;
  nodes: ResourceType;
  claims: ResourceType;
  volumes: ResourceType;
  classes: ResourceType;
  csiDrivers: ResourceType | undefined;
  attachments: ResourceType;
}

export function storageResources(api: Api): StorageResources {
  return {
    pods: api.resource('', 'pods'),
    nodes: api.resource('', 'nodes'),
    claims: api.resource('', 'persistentvolumeclaims'),
    volumes: api.resource('', 'persistentvolumes'),
    classes: api.resource('storage.k8s.io', 'storageclasses'),
    csiDrivers: api.registry.find('storage.k8s.io', 'csidrivers'),
    attachments: api.resource('storage.k8s.io', 'volumeattachments'),
  };
}
