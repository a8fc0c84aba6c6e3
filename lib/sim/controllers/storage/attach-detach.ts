/**
 * The attach/detach controller for CSI volumes: a VolumeAttachment for every (volume, node) that a
 * scheduled, running pod needs, refused with the real Multi-Attach warning while a volume that is
 * not multi-attachable is still attached elsewhere, and deleted (detach) once no pod on that node
 * uses the volume and the kubelet would have unmounted it.
 */
import { isStatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { Controller, SimRuntime } from '../runtime.ts';
import { initStableRandom, stableDraw } from '../stable-random.ts';
import { Deadlines } from './deadlines.ts';
import {
  type Claim,
  claimsOf,
  isPodTerminated,
  type PodLike,
  storageResources,
  type Volume,
  type VolumeAttachment,
} from './objects.ts';
import type { LatencyRange } from './provisioners.ts';
import { attachmentName, attachRequired } from './volumes-ready.ts';

const SOURCE = { component: 'attachdetach-controller' };

export interface AttachDetachOptions {
  /** From the last pod on a node leaving to the kubelet reporting the volume unmounted (realistic ms). */
  unmount?: LatencyRange;
  /**
   * How long a volume stays attached to a node that is not Ready (its kubelet cannot report the
   * unmount) before it is force-detached: ReconcilerMaxWaitForUnmountDuration, 6 min.
   */
  forceDetachAfterMs?: number;
}

const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

/** IsMultiAttachAllowed: a PV with no access modes, or with ReadWriteMany/ReadOnlyMany. */
function multiAttachAllowed(volume: Volume): boolean {
  const modes = volume.spec?.accessModes ?? [];
  return modes.length === 0 || modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany');
}

export function attachDetachController(options: AttachDetachOptions = {}): Controller {
  const unmount = options.unmount ?? { min: 1000, max: 5000 };
  const forceDetachAfter = options.forceDetachAfterMs ?? 6 * 60_000;
  return {
    name: 'attachdetach-controller',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const rs = storageResources(api);
      const pods = runtime.informer('', 'pods');
      const claims = runtime.informer('', 'persistentvolumeclaims');
      const volumes = runtime.informer('', 'persistentvolumes');
      const attachments = runtime.informer('storage.k8s.io', 'volumeattachments');
      const nodes = runtime.informer('', 'nodes');
      const drivers = rs.csiDrivers ? runtime.informer('storage.k8s.io', 'csidrivers') : undefined;
      const lookups = { csiDriver: (name: string) => drivers?.get(undefined, name) };
      /** Attachments whose success was already announced to their pods. */
      const announced = new Set<string>();
      /** (volume, node) pairs whose Multi-Attach error was already reported. */
      const multiReported = new Set<string>();

      type NodeShape = KObject & {
        spec?: { taints?: { key: string; effect?: string }[] };
        status?: { conditions?: { type: string; status: string }[] };
      };
      /** Whether a node's kubelet can report unmounts, or the node is declared out of service. */
      const healthOf = (obj: NodeShape | undefined): 'healthy' | 'unhealthy' | 'out-of-service' => {
        if (obj?.spec?.taints?.some((t) => t.key === OUT_OF_SERVICE_TAINT && t.effect === 'NoExecute')) {
          return 'out-of-service';
        }
        const ready = obj?.status?.conditions?.find((c) => c.type === 'Ready');
        // A node created without conditions counts as healthy; an unready or deleted one does not.
        return !obj || (ready && ready.status !== 'True') ? 'unhealthy' : 'healthy';
      };
      /** How long a detach from `node` waits: the kubelet's unmount, or the force-detach timeout when it cannot report. */
      const detachWait = (node: string, attachment: string): number => {
        const health = healthOf(nodes.get(undefined, node) as NodeShape | undefined);
        if (health === 'out-of-service') return 0;
        if (health === 'unhealthy') return forceDetachAfter;
        return (
          unmount.min + (unmount.max - unmount.min) * stableDraw(runtime, 'latency', 'unmount', attachment)
        );
      };

      const volumeOfClaim = (namespace: string | undefined, claimName: string) =>
        (claims.get(namespace, claimName) as Claim | undefined)?.spec?.volumeName;

      /** Desired state of the world for one volume: node → pods there that need it attached. */
      const desiredFor = (volume: Volume | undefined): Map<string, PodLike[]> => {
        const out = new Map<string, PodLike[]>();
        const csi = volume?.spec?.csi;
        if (!volume || !csi || !attachRequired(csi.driver, lookups)) return out;
        for (const obj of pods.list()) {
          const pod = obj as PodLike;
          const node = pod.spec?.nodeName;
          if (!node || isPodTerminated(pod)) continue;
          const uses = claimsOf(pod).some(
            (c) => volumeOfClaim(pod.metadata.namespace, c.claim) === volume.metadata.name,
          );
          if (uses) out.set(node, [...(out.get(node) ?? []), pod]);
        }
        return out;
      };

      const reportMultiAttach = (pvName: string, podsHere: PodLike[], usersElsewhere: PodLike[]) => {
        for (const pod of podsHere) {
          let why: string;
          if (usersElsewhere.length === 0) {
            why = "Volume is already exclusively attached to one node and can't be attached to another";
          } else {
            // Names only from the pod's own namespace; others are counted, as the real message does.
            const local = usersElsewhere.filter((p) => p.metadata.namespace === pod.metadata.namespace);
            const others = usersElsewhere.length - local.length;
            if (local.length > 0) {
              why = `Volume is already used by pod(s) ${local.map((p) => p.metadata.name).join(', ')}`;
              if (others > 0) why += ` and ${others} pod(s) in different namespaces`;
            } else {
              why = `Volume is already used by ${others} pod(s) in different namespaces`;
            }
          }
          runtime.events.record(
            pod,
            'Warning',
            'FailedAttachVolume',
            `Multi-Attach error for volume "${pvName}" ${why}`,
            SOURCE,
          );
        }
      };

      const queue = runtime.queue('attachdetach-controller', (pvName) => {
        const volume = volumes.get(undefined, pvName) as Volume | undefined;
        const existing = attachments
          .list()
          .filter(
            (a) => (a as VolumeAttachment).spec?.source?.persistentVolumeName === pvName,
          ) as VolumeAttachment[];
        const desired = desiredFor(volume);
        for (const key of multiReported) {
          if (key.startsWith(`${pvName}/`) && !desired.has(key.slice(pvName.length + 1)))
            multiReported.delete(key);
        }
        for (const [node, podsHere] of desired) {
          const mine = existing.find((a) => a.spec?.nodeName === node);
          detaches.clear(`${pvName}/${node}`);
          if (mine) {
            if (
              mine.status?.attached &&
              !mine.metadata.deletionTimestamp &&
              !announced.has(mine.metadata.name!)
            ) {
              announced.add(mine.metadata.name!);
              for (const pod of podsHere) {
                runtime.events.record(
                  pod,
                  'Normal',
                  'SuccessfulAttachVolume',
                  // The real message keeps the trailing space of its empty suffix.
                  `AttachVolume.Attach succeeded for volume "${pvName}" `,
                  SOURCE,
                );
              }
            }
            continue;
          }
          const elsewhere = existing.filter((a) => a.spec?.nodeName !== node);
          const pair = `${pvName}/${node}`;
          if (elsewhere.length > 0 && !multiAttachAllowed(volume!)) {
            if (!multiReported.has(pair)) {
              multiReported.add(pair);
              const users = elsewhere.flatMap((a) => desired.get(a.spec?.nodeName ?? '') ?? []);
              reportMultiAttach(pvName, podsHere, users);
            }
            continue;
          }
          multiReported.delete(pair);
          const csi = volume!.spec!.csi!;
          try {
            api.create(
              rs.attachments,
              undefined,
              {
                apiVersion: 'storage.k8s.io/v1',
                kind: 'VolumeAttachment',
                metadata: { name: attachmentName(csi.volumeHandle, csi.driver, node) },
                spec: { attacher: csi.driver, nodeName: node, source: { persistentVolumeName: pvName } },
              },
              { fieldManager: 'kube-controller-manager' },
            );
          } catch (err) {
            if (!(isStatusError(err) && err.code === 409)) throw err;
          }
        }
        for (const va of existing) {
          const node = va.spec?.nodeName ?? '';
          if (desired.has(node) || va.metadata.deletionTimestamp) continue;
          // Detach waits for the kubelet to have unmounted the volume on that node.
          if (!detaches.passed(`${pvName}/${node}`, pvName, () => detachWait(node, va.metadata.name!)))
            continue;
          detaches.clear(`${pvName}/${node}`);
          try {
            api.delete(rs.attachments, undefined, va.metadata.name!);
          } catch (err) {
            if (!(isStatusError(err) && err.code === 404)) throw err;
          }
        }
      });
      const detaches = new Deadlines(runtime, queue);

      const enqueuePod = (pod: KObject) => {
        for (const c of claimsOf(pod as PodLike)) {
          const pv = volumeOfClaim(pod.metadata.namespace, c.claim);
          if (pv) queue.add(pv);
        }
      };
      pods.on((_t, pod, old) => {
        enqueuePod(pod);
        if (old) enqueuePod(old);
      });
      claims.on((_t, claim) => {
        const pv = (claim as Claim).spec?.volumeName;
        if (pv) queue.add(pv);
      }, false);
      volumes.on((_t, volume) => queue.add(volume.metadata.name!), false);
      attachments.on((type, obj) => {
        const va = obj as VolumeAttachment;
        if (type === 'DELETED') announced.delete(va.metadata.name!);
        const pv = va.spec?.source?.persistentVolumeName;
        if (pv) queue.add(pv);
      });
      nodes.on((type, node, old) => {
        if (type === 'ADDED') return;
        const now = type === 'DELETED' ? 'unhealthy' : healthOf(node as NodeShape);
        if (now === healthOf(old as NodeShape | undefined)) return;
        // A node's health decides how long its detaches wait: look again at what it holds.
        for (const a of attachments.list()) {
          const va = a as VolumeAttachment;
          const pv = va.spec?.source?.persistentVolumeName;
          if (va.spec?.nodeName === node.metadata.name && pv) queue.add(pv);
        }
      }, false);
      drivers?.on(() => {
        for (const v of volumes.list()) queue.add(v.metadata.name!);
      }, false);
    },
  };
}
