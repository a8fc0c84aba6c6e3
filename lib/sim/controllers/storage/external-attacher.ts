/**
 * The CSI external-attacher sidecars: for each VolumeAttachment, put the attacher's finalizer on it,
 * "ControllerPublish" for the driver's attach latency and set status.attached; for a deleted one,
 * "ControllerUnpublish" for the detach latency and lift the finalizer so it goes.
 */
import type { Controller, SimRuntime } from '../runtime.ts';
import { initStableRandom, stableDraw } from '../stable-random.ts';
import { Deadlines } from './deadlines.ts';
import { storageResources, type VolumeAttachment, writeStatus } from './objects.ts';
import type { LatencyRange, ProvisionerTable } from './provisioners.ts';

/** Latencies for drivers the table does not know (realistic ms). */
const UNKNOWN_DRIVER = { attach: { min: 1000, max: 3000 }, detach: { min: 1000, max: 3000 } };

/** `external-attacher/<driver with every character outside [a-zA-Z0-9-] turned into '-'>`. */
export function attacherFinalizer(driver: string): string {
  let name = driver.replace(/[^a-zA-Z0-9-]/g, '-');
  if (name.endsWith('-')) name += 'X';
  return `external-attacher/${name}`;
}

export function externalAttachers(table: ProvisionerTable): Controller {
  return {
    name: 'external-attachers',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const rs = storageResources(api);
      const attachments = runtime.informer('storage.k8s.io', 'volumeattachments');
      initStableRandom(runtime);
      const draw = (r: LatencyRange, ...parts: string[]) =>
        r.min + (r.max - r.min) * stableDraw(runtime, 'latency', ...parts);

      const queue = runtime.queue('external-attachers', (name) => {
        let va = api.find(rs.attachments, undefined, name) as VolumeAttachment | undefined;
        if (!va) {
          deadlines.clear(`attach/${name}`);
          deadlines.clear(`detach/${name}`);
          return;
        }
        const driver = va.spec?.attacher ?? '';
        const latency = table.get(driver)?.latency ?? UNKNOWN_DRIVER;
        const finalizer = attacherFinalizer(driver);
        const finalizers = va.metadata.finalizers ?? [];
        if (va.metadata.deletionTimestamp) {
          deadlines.clear(`attach/${name}`);
          if (!finalizers.includes(finalizer)) return;
          if (!deadlines.passed(`detach/${name}`, name, () => draw(latency.detach, 'detach', name))) return;
          deadlines.clear(`detach/${name}`);
          api.update(
            rs.attachments,
            undefined,
            name,
            { ...va, metadata: { ...va.metadata, finalizers: finalizers.filter((f) => f !== finalizer) } },
            { fieldManager: 'csi-attacher' },
          );
          return;
        }
        if (va.status?.attached) return;
        if (!finalizers.includes(finalizer)) {
          va = api.update(
            rs.attachments,
            undefined,
            name,
            { ...va, metadata: { ...va.metadata, finalizers: [...finalizers, finalizer] } },
            { fieldManager: 'csi-attacher' },
          ) as VolumeAttachment;
        }
        if (!deadlines.passed(`attach/${name}`, name, () => draw(latency.attach, 'attach', name))) return;
        deadlines.clear(`attach/${name}`);
        const status: NonNullable<VolumeAttachment['status']> = { attached: true };
        const metadata = table.get(driver)?.attachmentMetadata;
        if (metadata) status.attachmentMetadata = { ...metadata };
        writeStatus(api, rs.attachments, { ...va, status }, 'csi-attacher');
      });
      const deadlines = new Deadlines(runtime, queue);
      attachments.on((type, obj) => {
        if (type !== 'DELETED') queue.add(obj.metadata.name!);
      });
    },
  };
}
