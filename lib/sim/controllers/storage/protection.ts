/**
 * Storage object in-use protection: the admission plugin that puts `kubernetes.io/pvc-protection`
 * and `kubernetes.io/pv-protection` on new claims and volumes, and the two controllers that add
 * them to objects lacking them and lift them once a deleted claim is used by no scheduled pod, or a
 * deleted volume is no longer Bound.
 */
import type { Api } from '../../api/api.ts';
import type { KObject } from '../../api/types.ts';
import { type Controller, type SimRuntime, keyOf } from '../runtime.ts';
import {
  type Claim,
  claimsOf,
  type PodLike,
  PV_PROTECTION_FINALIZER,
  PVC_PROTECTION_FINALIZER,
  storageResources,
  type Volume,
} from './objects.ts';

const admitted = new WeakSet<Api>();

/** The StorageObjectInUseProtection admission plugin (installed once per API server). */
export function installStorageProtectionAdmission(api: Api): void {
  if (admitted.has(api)) return;
  admitted.add(api);
  api.addAdmission((op, rt, obj) => {
    if (op !== 'create' || rt.group !== '') return;
    const finalizer =
      rt.plural === 'persistentvolumeclaims'
        ? PVC_PROTECTION_FINALIZER
        : rt.plural === 'persistentvolumes'
          ? PV_PROTECTION_FINALIZER
          : undefined;
    if (!finalizer) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
  });
}

function withoutFinalizer(obj: KObject, finalizer: string): KObject {
  return {
    ...obj,
    metadata: { ...obj.metadata, finalizers: (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer) },
  };
}

function withFinalizer(obj: KObject, finalizer: string): KObject {
  return {
    ...obj,
    metadata: { ...obj.metadata, finalizers: [...(obj.metadata.finalizers ?? []), finalizer] },
  };
}

/** The pvc-protection and pv-protection controllers (with the admission plugin). */
export function storageProtection(): Controller {
  return {
    name: 'storage-protection',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      installStorageProtectionAdmission(api);
      const rs = storageResources(api);
      const claims = runtime.informer('', 'persistentvolumeclaims');
      const volumes = runtime.informer('', 'persistentvolumes');
      const pods = runtime.informer('', 'pods');

      // A claim is in use while a scheduled pod names it, whatever that pod's phase (as the real
      // controller decides); it is checked against a live list, not the cache, before letting go.
      const inUse = (claim: Claim) =>
        api
          .list(rs.pods, claim.metadata.namespace)
          .items.some(
            (p) =>
              (p as PodLike).spec?.nodeName &&
              claimsOf(p as PodLike).some((c) => c.claim === claim.metadata.name),
          );

      const claimQueue = runtime.queue('pvc-protection', (key) => {
        const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        const claim = api.find(rs.claims, namespace, name) as Claim | undefined;
        if (!claim) return;
        const has = (claim.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER);
        if (!claim.metadata.deletionTimestamp) {
          if (!has) api.update(rs.claims, namespace, name, withFinalizer(claim, PVC_PROTECTION_FINALIZER));
          return;
        }
        if (has && !inUse(claim)) {
          api.update(rs.claims, namespace, name, withoutFinalizer(claim, PVC_PROTECTION_FINALIZER), {
            fieldManager: 'kube-controller-manager',
          });
        }
      });
      claims.on((_type, obj) => claimQueue.add(keyOf(obj)));
      pods.on((type, obj) => {
        const pod = obj as PodLike;
        // Only a pod that stops counting can free a claim.
        if (type !== 'DELETED' && pod.spec?.nodeName && !pod.metadata.deletionTimestamp) return;
        for (const c of claimsOf(pod)) claimQueue.add(`${pod.metadata.namespace}/${c.claim}`);
      }, false);

      const volumeQueue = runtime.queue('pv-protection', (name) => {
        const volume = api.find(rs.volumes, undefined, name) as Volume | undefined;
        if (!volume) return;
        const has = (volume.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER);
        if (!volume.metadata.deletionTimestamp) {
          if (!has) api.update(rs.volumes, undefined, name, withFinalizer(volume, PV_PROTECTION_FINALIZER));
          return;
        }
        if (has && volume.status?.phase !== 'Bound') {
          api.update(rs.volumes, undefined, name, withoutFinalizer(volume, PV_PROTECTION_FINALIZER), {
            fieldManager: 'kube-controller-manager',
          });
        }
      });
      volumes.on((_type, obj) => volumeQueue.add(obj.metadata.name!));
    },
  };
}
