/**
 * The simulated storage stack: in-use protection, the PV binder, the provisioners of a provisioner
 * table, the attach/detach controller and the CSI attachers; plus the volumes-ready rule the
 * kubelet shares with them.
 */
import type { Controller } from '../runtime.ts';
import { type AttachDetachOptions, attachDetachController } from './attach-detach.ts';
import { volumeBinder } from './binder.ts';
import { csiNodeRegistrar } from './csi-node-registrar.ts';
import { externalAttachers } from './external-attacher.ts';
import { externalProvisioners } from './external-provisioner.ts';
import { storageProtection } from './protection.ts';
import {
  checkProvisioner,
  defaultProvisioners,
  type Provisioner,
  type ProvisionerTable,
} from './provisioners.ts';

export interface StorageOptions {
  /** Provisioners to add to the built-in ones (an entry with a built-in's name replaces it). */
  provisioners?: Provisioner[];
  /** Start from this table instead of the built-ins. */
  table?: ProvisionerTable;
  /** Kubelet unmount time before a detach starts (realistic ms). */
  unmount?: AttachDetachOptions['unmount'];
  /** How long a volume stays attached to a node that is not Ready before it is force-detached (realistic ms, 6 min). */
  forceDetachAfterMs?: number;
  /** PV controller resync period (realistic ms, default 15 s). */
  resyncMs?: number;
}

export interface StorageSimulation {
  /** Controllers to pass to startCluster (with the rest of a preset's). */
  controllers: Controller[];
  /** The provisioners the controllers serve; read at every reconcile, so changes take effect. */
  provisioners: ProvisionerTable;
  /** Adds or replaces a provisioner (checked at once). */
  addProvisioner(p: Provisioner): void;
}

export function storageControllers(options: StorageOptions = {}): StorageSimulation {
  const table: ProvisionerTable = options.table ?? defaultProvisioners();
  for (const p of table.values()) checkProvisioner(p);
  const addProvisioner = (p: Provisioner) => {
    checkProvisioner(p);
    table.set(p.name, p);
  };
  for (const p of options.provisioners ?? []) addProvisioner(p);
  return {
    controllers: [
      storageProtection(),
      volumeBinder({ resyncMs: options.resyncMs }),
      externalProvisioners(table),
      attachDetachController({ unmount: options.unmount, forceDetachAfterMs: options.forceDetachAfterMs }),
      externalAttachers(table),
      csiNodeRegistrar(table),
    ],
    provisioners: table,
    addProvisioner,
  };
}

export { attachDetachController } from './attach-detach.ts';
export { volumeBinder } from './binder.ts';
export { csiNodeRegistrar } from './csi-node-registrar.ts';
export { attacherFinalizer, externalAttachers } from './external-attacher.ts';
export { externalProvisioners } from './external-provisioner.ts';
export { installStorageProtectionAdmission, storageProtection } from './protection.ts';
export {
  AWS_EBS,
  CEPH_RBD,
  defaultProvisioners,
  GCE_PD,
  LOCAL_PATH,
  type LatencyRange,
  type Mobility,
  type Provisioner,
  type ProvisionerLatencies,
  type ProvisionerTable,
} from './provisioners.ts';
export {
  attachmentName,
  attachRequired,
  onVolumeReadinessChange,
  type VolumeLookups,
  type VolumesReadiness,
  volumeLookupsFrom,
  volumesReadyFor,
} from './volumes-ready.ts';
