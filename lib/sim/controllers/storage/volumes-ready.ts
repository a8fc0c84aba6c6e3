/**
 * The one rule for "can this pod's volumes be mounted on its node yet", shared by the kubelet and
 * the storage controllers: every claim the pod names is Bound to an existing PV, and every CSI
 * volume whose driver requires attachment has a VolumeAttachment to the pod's node with
 * status.attached true. Everything here reads objects only, as a real kubelet does.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/types.ts';
import type { SimRuntime } from '../runtime.ts';
import { type Claim, claimsOf, type PodLike, type Volume, type VolumeAttachment } from './objects.ts';

/** Reads the objects the rule needs (informer caches in the simulator; any store in tests). */
export interface VolumeLookups {
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  /** The CSIDriver object named after a driver, if one exists. */
  csiDriver(name: string): KObject | undefined;
  attachment(name: string): KObject | undefined;
}

export interface VolumesReadiness {
  ready: boolean;
  /** Names (in pod.spec.volumes) whose claim is missing, being deleted, not Bound, or whose PV is missing. */
  unbound: string[];
  /** Names (in pod.spec.volumes) whose volume is not yet attached to the pod's node. */
  unattached: string[];
}

/** The VolumeAttachment name the CSI attacher uses: `csi-` + sha256(volumeHandle + driver + node). */
export function attachmentName(volumeHandle: string, driver: string, node: string): string {
  return `csi-${createHash('sha256').update(`${volumeHandle}${driver}${node}`).digest('hex')}`;
}

/** Whether a CSI driver needs ControllerPublish: its CSIDriver says so, or it has no CSIDriver object. */
export function attachRequired(driver: string, lookups: Pick<VolumeLookups, 'csiDriver'>): boolean {
  const obj = lookups.csiDriver(driver);
  if (!obj) return true;
  return (obj.spec as { attachRequired?: boolean } | undefined)?.attachRequired !== false;
}

/** The attachment a PV needs on a node, or undefined when it needs none (node-local, no attach). */
function requiredAttachment(
  volume: Volume,
  node: string,
  lookups: Pick<VolumeLookups, 'csiDriver'>,
): string | undefined {
  const csi = volume.spec?.csi;
  if (!csi || !attachRequired(csi.driver, lookups)) return undefined;
  return attachmentName(csi.volumeHandle, csi.driver, node);
}

export function volumesReadyFor(pod: KObject, lookups: VolumeLookups): VolumesReadiness {
  const p = pod as PodLike;
  const node = p.spec?.nodeName;
  const unbound: string[] = [];
  const unattached: string[] = [];
  for (const { volume: name, claim: claimName } of claimsOf(p)) {
    const claim = lookups.claim(p.metadata.namespace ?? '', claimName) as Claim | undefined;
    const volumeName = claim?.spec?.volumeName;
    const volume = volumeName ? (lookups.volume(volumeName) as Volume | undefined) : undefined;
    if (!claim || claim.metadata.deletionTimestamp || claim.status?.phase !== 'Bound' || !volume) {
      unbound.push(name);
      continue;
    }
    // An unscheduled pod has no node to attach to yet.
    const needed = requiredAttachment(volume, node ?? '', lookups);
    if (!needed) continue;
    const va = node ? (lookups.attachment(needed) as VolumeAttachment | undefined) : undefined;
    if (!va || va.metadata.deletionTimestamp || va.status?.attached !== true) unattached.push(name);
  }
  return { ready: unbound.length === 0 && unattached.length === 0, unbound, unattached };
}

/** Lookups over the runtime's shared informers. */
export function volumeLookupsFrom(runtime: SimRuntime): VolumeLookups {
  const claims = runtime.informer('', 'persistentvolumeclaims');
  const volumes = runtime.informer('', 'persistentvolumes');
  const attachments = runtime.informer('storage.k8s.io', 'volumeattachments');
  const drivers = runtime.api.registry.find('storage.k8s.io', 'csidrivers')
    ? runtime.informer('storage.k8s.io', 'csidrivers')
    : undefined;
  return {
    claim: (namespace, name) => claims.get(namespace, name),
    volume: (name) => volumes.get(undefined, name),
    csiDriver: (name) => drivers?.get(undefined, name),
    attachment: (name) => attachments.get(undefined, name),
  };
}

/**
 * Calls `wake` with every pod whose volume readiness may have changed when a claim, volume or
 * attachment changes, so a kubelet can re-check the pods it is waiting on.
 */
export function onVolumeReadinessChange(runtime: SimRuntime, wake: (pod: KObject) => void): void {
  const pods = runtime.informer('', 'pods');
  const claims = runtime.informer('', 'persistentvolumeclaims');
  const usesClaim = (pod: KObject, namespace: string | undefined, name: string) =>
    pod.metadata.namespace === namespace && claimsOf(pod as PodLike).some((c) => c.claim === name);
  const usesVolume = (pod: KObject, volumeName: string) =>
    claimsOf(pod as PodLike).some(
      (c) =>
        (claims.get(pod.metadata.namespace, c.claim) as Claim | undefined)?.spec?.volumeName === volumeName,
    );
  runtime.informer('', 'persistentvolumeclaims').on((_t, claim) => {
    for (const pod of pods.list(claim.metadata.namespace)) {
      if (usesClaim(pod, claim.metadata.namespace, claim.metadata.name!)) wake(pod);
    }
  }, false);
  runtime.informer('', 'persistentvolumes').on((_t, volume) => {
    for (const pod of pods.list()) if (usesVolume(pod, volume.metadata.name!)) wake(pod);
  }, false);
  runtime.informer('storage.k8s.io', 'volumeattachments').on((_t, obj) => {
    const va = obj as VolumeAttachment;
    const pv = va.spec?.source?.persistentVolumeName;
    if (!pv) return;
    for (const pod of pods.list()) {
      if ((pod as PodLike).spec?.nodeName === va.spec?.nodeName && usesVolume(pod, pv)) wake(pod);
    }
  }, false);
}
