/**
 * The PersistentVolume controller's binder: binds claims to matching static volumes or asks an
 * external provisioner for one, keeps both sides' phases (Pending/Bound/Lost; Available/Bound/
 * Released/Failed) and annotations as kube-controller-manager does, assigns the default class to
 * claims without one, waits for the scheduler's `selected-node` under WaitForFirstConsumer, and
 * applies the reclaim policy when a claim is gone.
 */
import { type KObject, timestamp } from '../../api/types.ts';
import { isDefaultStorageClass } from '../../resources/storageclasses.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from '../runtime.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  annotation,
  type Claim,
  claimClass,
  claimsOf,
  type PodLike,
  type StorageClass,
  storageResources,
  type Volume,
  withAnnotations,
  writeStatus,
} from './objects.ts';
import { findMatchingVolume, isBoundToClaim, mismatch } from './volume-matching.ts';

const SOURCE = { component: 'persistentvolume-controller' };
const MANAGER = 'kube-controller-manager';
/** kube-controller-manager's --pvclaimbinder-sync-period. */
const RESYNC_MS = 15_000;

export interface VolumeBinderOptions {
  /** Realistic period between full resyncs (events repeat on it, like the real 15 s). */
  resyncMs?: number;
}

export function volumeBinder(options: VolumeBinderOptions = {}): Controller {
  return {
    name: 'persistentvolume-binder',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const rs = storageResources(api);
      const claims = runtime.informer('', 'persistentvolumeclaims');
      const volumes = runtime.informer('', 'persistentvolumes');
      const classes = runtime.informer('storage.k8s.io', 'storageclasses');
      const nodes = runtime.informer('', 'nodes');
      const pods = runtime.informer('', 'pods');

      const record = (obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string) =>
        runtime.events.record(obj, type, reason, message, SOURCE);

      const setClaimPhase = (claim: Claim, phase: string, volume?: Volume): Claim => {
        const status: NonNullable<Claim['status']> = { ...(claim.status ?? {}), phase };
        if (volume) {
          status.accessModes = volume.spec?.accessModes;
          status.capacity = volume.spec?.capacity;
        } else {
          delete status.accessModes;
          delete status.capacity;
        }
        if (JSON.stringify(status) === JSON.stringify(claim.status)) return claim;
        return writeStatus(api, rs.claims, { ...claim, status }, MANAGER) as Claim;
      };

      const setVolumePhase = (volume: Volume, phase: string, message?: string): Volume => {
        if (volume.status?.phase === phase && volume.status?.message === message) return volume;
        const status: NonNullable<Volume['status']> = { phase };
        if (message) status.message = message;
        status.lastPhaseTransitionTime =
          volume.status?.phase === phase && volume.status.lastPhaseTransitionTime
            ? volume.status.lastPhaseTransitionTime
            : timestamp(api.now());
        return writeStatus(api, rs.volumes, { ...volume, status }, MANAGER) as Volume;
      };

      const classOf = (claim: Claim) => {
        const name = claimClass(claim);
        return name ? (classes.get(undefined, name) as StorageClass | undefined) : undefined;
      };

      const selectedNode = (claim: Claim) => {
        const name = annotation(claim, ANN_SELECTED_NODE);
        return name ? nodes.get(undefined, name) : undefined;
      };

      const findBestMatch = (claim: Claim, delayBinding: boolean): Volume | undefined =>
        findMatchingVolume(claim, volumes.list() as Volume[], selectedNode(claim), delayBinding);

      const bind = (volume: Volume, claimIn: Claim) => {
        let v = volume;
        if (!isBoundToClaim(v, claimIn) || !v.spec?.claimRef?.uid) {
          const wasBound = isBoundToClaim(v, claimIn);
          v = {
            ...v,
            metadata: wasBound
              ? v.metadata
              : withAnnotations(v.metadata, { [ANN_BOUND_BY_CONTROLLER]: 'yes' }),
            spec: {
              ...v.spec,
              claimRef: {
                kind: 'PersistentVolumeClaim',
                namespace: claimIn.metadata.namespace,
                name: claimIn.metadata.name,
                uid: claimIn.metadata.uid,
                apiVersion: 'v1',
                resourceVersion: claimIn.metadata.resourceVersion,
              },
            },
          };
          v = api.update(rs.volumes, undefined, v.metadata.name!, v, { fieldManager: MANAGER }) as Volume;
        }
        v = setVolumePhase(v, 'Bound');
        let claim = claimIn;
        const byController = claim.spec?.volumeName !== v.metadata.name;
        const annotations: Record<string, string> = {};
        if (byController && !annotation(claim, ANN_BOUND_BY_CONTROLLER))
          annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
        if (!annotation(claim, ANN_BIND_COMPLETED)) annotations[ANN_BIND_COMPLETED] = 'yes';
        if (byController || Object.keys(annotations).length > 0) {
          claim = api.update(
            rs.claims,
            claim.metadata.namespace,
            claim.metadata.name!,
            {
              ...claim,
              metadata: withAnnotations(claim.metadata, annotations),
              spec: { ...claim.spec, volumeName: v.metadata.name },
            },
            { fieldManager: MANAGER },
          ) as Claim;
        }
        setClaimPhase(claim, 'Bound', v);
      };

      const unscheduledPodsUsing = (claim: Claim) =>
        pods
          .list(claim.metadata.namespace)
          .filter((p) => !(p as PodLike).spec?.nodeName)
          .filter((p) => claimsOf(p as PodLike).some((c) => c.claim === claim.metadata.name))
          .map((p) => p.metadata.name!)
          .sort();

      const provision = (claimIn: Claim) => {
        const name = claimClass(claimIn)!;
        const sc = classes.get(undefined, name) as StorageClass | undefined;
        if (!sc) {
          record(claimIn, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${name}" not found`);
          return;
        }
        const provisioner = sc.provisioner ?? '';
        if (provisioner.startsWith('kubernetes.io/')) {
          // In-tree names have no plugin left in the simulator (kubernetes.io/no-provisioner included).
          record(claimIn, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
          return;
        }
        let claim = claimIn;
        if (
          annotation(claim, ANN_STORAGE_PROVISIONER) !== provisioner ||
          annotation(claim, ANN_BETA_STORAGE_PROVISIONER) !== provisioner
        ) {
          claim = api.update(
            rs.claims,
            claim.metadata.namespace,
            claim.metadata.name!,
            {
              ...claim,
              metadata: withAnnotations(claim.metadata, {
                [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
                [ANN_STORAGE_PROVISIONER]: provisioner,
              }),
            },
            { fieldManager: MANAGER },
          ) as Claim;
        }
        record(
          claim,
          'Normal',
          'ExternalProvisioning',
          `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        );
      };

      const syncUnboundClaim = (claim: Claim) => {
        const volumeName = claim.spec?.volumeName;
        if (!volumeName) {
          const sc = classOf(claim);
          const delayBinding =
            sc?.volumeBindingMode === 'WaitForFirstConsumer' && !annotation(claim, ANN_SELECTED_NODE);
          const volume = findBestMatch(claim, delayBinding);
          if (volume) return bind(volume, claim);
          if (claim.spec?.storageClassName === undefined || claim.spec?.storageClassName === null) {
            // RetroactiveDefaultStorageClass: a claim that names no class gets today's default.
            const defaults = classes.list().filter((c) => isDefaultStorageClass(c));
            if (defaults.length > 0) {
              const chosen = defaults.sort((a, b) =>
                (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
              )[0]!;
              api.update(
                rs.claims,
                claim.metadata.namespace,
                claim.metadata.name!,
                { ...claim, spec: { ...claim.spec, storageClassName: chosen.metadata.name } },
                { fieldManager: MANAGER },
              );
              return;
            }
          }
          if (delayBinding) {
            const waiting = unscheduledPodsUsing(claim);
            if (waiting.length === 0) {
              record(
                claim,
                'Normal',
                'WaitForFirstConsumer',
                'waiting for first consumer to be created before binding',
              );
            } else {
              record(
                claim,
                'Normal',
                'WaitForPodScheduled',
                waiting.length > 1
                  ? `waiting for pods ${waiting.join(',')} to be scheduled`
                  : `waiting for pod ${waiting[0]} to be scheduled`,
              );
            }
          } else if (claimClass(claim)) {
            provision(claim);
            return;
          } else {
            record(
              claim,
              'Normal',
              'FailedBinding',
              'no persistent volumes available for this claim and no storage class is set',
            );
          }
          setClaimPhase(claim, 'Pending');
          return;
        }
        // The user asked for a particular volume.
        const volume = volumes.get(undefined, volumeName) as Volume | undefined;
        if (!volume) {
          setClaimPhase(claim, 'Pending');
          return;
        }
        if (!volume.spec?.claimRef || isBoundToClaim(volume, claim)) {
          if (!volume.spec?.claimRef) {
            const problem = mismatch(claim, volume);
            if (problem) {
              record(
                claim,
                'Warning',
                'VolumeMismatch',
                `Cannot bind to requested volume "${volumeName}": ${problem}`,
              );
              setClaimPhase(claim, 'Pending');
              return;
            }
          }
          return bind(volume, claim);
        }
        record(
          claim,
          'Warning',
          'FailedBinding',
          `volume "${volumeName}" already bound to a different claim.`,
        );
        setClaimPhase(claim, 'Pending');
      };

      const markLost = (claim: Claim, message: string) => {
        if (claim.status?.phase === 'Lost') return;
        setClaimPhase(claim, 'Lost');
        record(claim, 'Warning', 'ClaimLost', message);
      };

      const syncBoundClaim = (claim: Claim) => {
        const volumeName = claim.spec?.volumeName;
        if (!volumeName) {
          markLost(claim, 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
          return;
        }
        const volume = api.find(rs.volumes, undefined, volumeName) as Volume | undefined;
        if (!volume) {
          markLost(claim, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
          return;
        }
        if (!volume.spec?.claimRef || volume.spec.claimRef.uid === claim.metadata.uid)
          return bind(volume, claim);
        if (claim.status?.phase !== 'Lost') {
          setClaimPhase(claim, 'Lost');
          record(
            claim,
            'Warning',
            'ClaimMisbound',
            'Two claims are bound to the same volume, this one is bound incorrectly',
          );
        }
      };

      const claimQueue = runtime.queue('persistentvolume-binder/claims', (key) => {
        const { namespace, name } = splitKey(key);
        const claim = api.find(rs.claims, namespace, name) as Claim | undefined;
        if (!claim) return;
        if (annotation(claim, ANN_BIND_COMPLETED)) syncBoundClaim(claim);
        else syncUnboundClaim(claim);
      });

      const reclaim = (volume: Volume) => {
        const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
        if (policy !== 'Delete') return;
        // Dynamically provisioned volumes are deleted by their external provisioner.
        if (annotation(volume, ANN_PROVISIONED_BY)) return;
        if (volume.status?.phase === 'Failed') return;
        const message = `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`;
        record(volume, 'Warning', 'VolumeFailedDelete', message);
        setVolumePhase(volume, 'Failed', message);
      };

      const volumeQueue = runtime.queue('persistentvolume-binder/volumes', (name) => {
        let volume = api.find(rs.volumes, undefined, name) as Volume | undefined;
        if (!volume) return;
        const ref = volume.spec?.claimRef;
        if (!ref?.uid) {
          if (volume.status?.phase !== 'Available' && !volume.metadata.deletionTimestamp)
            setVolumePhase(volume, 'Available');
          if (ref?.name && ref.namespace) claimQueue.add(`${ref.namespace}/${ref.name}`);
          return;
        }
        const found = api.find(rs.claims, ref.namespace, ref.name!) as Claim | undefined;
        const claim = found && found.metadata.uid === ref.uid ? found : undefined;
        if (!claim) {
          if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
            volume = setVolumePhase(volume, 'Released');
          }
          reclaim(volume);
          return;
        }
        if (!claim.spec?.volumeName) {
          // Pre-bound (a provisioned volume, typically): the claim's sync completes the binding.
          claimQueue.add(keyOf(claim));
          return;
        }
        if (claim.spec.volumeName === volume.metadata.name) {
          if (volume.status?.phase !== 'Bound') setVolumePhase(volume, 'Bound');
          return;
        }
        // The claim went to another volume: give back a volume this controller had bound.
        if (annotation(volume, ANN_BOUND_BY_CONTROLLER) && !annotation(volume, ANN_PROVISIONED_BY)) {
          const spec = { ...volume.spec };
          delete spec.claimRef;
          const meta = withAnnotations(volume.metadata, { [ANN_BOUND_BY_CONTROLLER]: undefined });
          const updated = api.update(
            rs.volumes,
            undefined,
            name,
            { ...volume, metadata: meta, spec },
            { fieldManager: MANAGER },
          );
          setVolumePhase(updated as Volume, 'Available');
        } else {
          volume = setVolumePhase(volume, 'Released');
          reclaim(volume);
        }
      });

      claims.on((type, obj) => {
        if (type !== 'DELETED') claimQueue.add(keyOf(obj));
        const name = (obj as Claim).spec?.volumeName;
        if (name) volumeQueue.add(name);
      });
      const requeueUnbound = () => {
        for (const c of claims.list()) if ((c as Claim).status?.phase !== 'Bound') claimQueue.add(keyOf(c));
      };
      volumes.on((type, obj) => {
        if (type !== 'DELETED') volumeQueue.add(obj.metadata.name!);
        const ref = (obj as Volume).spec?.claimRef;
        if (ref?.namespace && ref.name) claimQueue.add(`${ref.namespace}/${ref.name}`);
        // A new unclaimed volume may be what a waiting claim needs.
        else if (type === 'ADDED') requeueUnbound();
      });
      classes.on(requeueUnbound, false);
      pods.on((_type, obj) => {
        // A pod waiting to be scheduled changes which event a WaitForFirstConsumer claim gets.
        if ((obj as PodLike).spec?.nodeName) return;
        for (const c of claimsOf(obj as PodLike)) claimQueue.add(`${obj.metadata.namespace}/${c.claim}`);
      }, false);

      // Periodic resync, like the real controller's: repeats waiting events and retries.
      const period = Math.max(options.resyncMs ?? RESYNC_MS, 50 / runtime.timeScale);
      const resync = () => {
        requeueUnbound();
        for (const v of volumes.list())
          if ((v as Volume).status?.phase !== 'Bound') volumeQueue.add(v.metadata.name!);
        runtime.after(period, resync);
      };
      runtime.after(period, resync);
    },
  };
}
