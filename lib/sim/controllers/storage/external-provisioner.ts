/**
 * The external provisioners of the provisioner table (local-path-provisioner, CSI external-provisioner
 * sidecars): create a PV named `pvc-<claim uid>` for each claim the PV controller hands them (and,
 * under WaitForFirstConsumer, once the scheduler has selected a node), shaped by the provisioner's
 * mobility, and delete Released volumes whose reclaim policy is Delete.
 */
import { isStatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import type { NodeSelectorTerm } from '../kube-types.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from '../runtime.ts';
import { initStableRandom, stableDraw, stableStream } from '../stable-random.ts';
import { Deadlines } from './deadlines.ts';
import {
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  annotation,
  type Claim,
  claimClass,
  type StorageClass,
  storageResources,
  type Volume,
} from './objects.ts';
import {
  type LatencyRange,
  type Provisioner,
  type ProvisionerTable,
  provisionerIdentity,
  topologyKeyOf,
} from './provisioners.ts';

const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** How long a provisioner waits before retrying a claim it could not provision (realistic ms). */
const RETRY_MS = 15_000;

export function externalProvisioners(table: ProvisionerTable): Controller {
  return {
    name: 'external-provisioners',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const rs = storageResources(api);
      const claims = runtime.informer('', 'persistentvolumeclaims');
      const volumes = runtime.informer('', 'persistentvolumes');
      const classes = runtime.informer('storage.k8s.io', 'storageclasses');
      const nodes = runtime.informer('', 'nodes');
      initStableRandom(runtime);
      const identities = new Map<string, string>();
      // Draws keyed by what they decide about, so a seed replays the same whatever the timer order.
      const draw = (r: LatencyRange, ...parts: string[]) =>
        r.min + (r.max - r.min) * stableDraw(runtime, 'latency', ...parts);

      const record = (
        p: Provisioner,
        obj: KObject,
        type: 'Normal' | 'Warning',
        reason: string,
        message: string,
      ) => {
        let component = identities.get(p.name);
        if (!component) {
          component = provisionerIdentity(p, stableStream(runtime, 'provisioner-identity', p.name));
          identities.set(p.name, component);
        }
        runtime.events.record(obj, type, reason, message, { component });
      };

      /** The zone of a new zonal volume: the selected node's, else one allowed by the class, else any node's. */
      const zoneFor = (
        p: Provisioner,
        sc: StorageClass,
        node: KObject | undefined,
        claimKey: string,
      ): string | undefined => {
        const key = topologyKeyOf(p);
        if (node) return node.metadata.labels?.[key];
        const allowed = (sc.allowedTopologies ?? []).flatMap((t) =>
          (t.matchLabelExpressions ?? []).filter((e) => e.key === key).flatMap((e) => e.values ?? []),
        );
        const zones = allowed.length
          ? allowed
          : nodes.list().flatMap((n) => (n.metadata.labels?.[key] ? [n.metadata.labels[key]] : []));
        const unique = [...new Set(zones)].sort();
        return unique.length
          ? unique[Math.floor(stableDraw(runtime, 'zone', claimKey) * unique.length)]
          : undefined;
      };

      const volumeFor = (
        p: Provisioner,
        claim: Claim,
        sc: StorageClass,
        node: KObject | undefined,
        zone: string | undefined,
      ) => {
        const pvName = `pvc-${claim.metadata.uid}`;
        const annotations: Record<string, string> = { [ANN_PROVISIONED_BY]: p.name };
        const spec: NonNullable<Volume['spec']> = {
          accessModes: claim.spec?.accessModes,
          capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
          claimRef: {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            name: claim.metadata.name,
            namespace: claim.metadata.namespace,
            resourceVersion: claim.metadata.resourceVersion,
            uid: claim.metadata.uid,
          },
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
          storageClassName: sc.metadata.name,
          volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
        };
        if (sc.mountOptions?.length) spec.mountOptions = sc.mountOptions;
        let term: NodeSelectorTerm | undefined;
        if (p.mobility === 'node') {
          const host = node!.metadata.labels?.[HOSTNAME_LABEL] ?? node!.metadata.name!;
          annotations['local.path.provisioner/selected-node'] = node!.metadata.name!;
          const path = `${p.basePath ?? '/var/local-path-provisioner'}/${pvName}_${claim.metadata.namespace}_${claim.metadata.name}`;
          if (p.source === 'local') spec.local = { path };
          else spec.hostPath = { path, type: 'DirectoryOrCreate' };
          term = { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [host] }] };
        } else if (p.mobility === 'zone') {
          term = { matchExpressions: [{ key: topologyKeyOf(p), operator: 'In', values: [zone!] }] };
        }
        if (p.source === 'csi') {
          annotations['volume.kubernetes.io/provisioner-deletion-secret-name'] = '';
          annotations['volume.kubernetes.io/provisioner-deletion-secret-namespace'] = '';
          const ctx = { pvName, zone, random: stableStream(runtime, 'volume-handle', pvName) };
          const identity = stableStream(runtime, 'provisioner-identity-attribute', p.name);
          spec.csi = {
            driver: p.name,
            fsType: p.fsType ?? 'ext4',
            volumeHandle: p.volumeHandle ? p.volumeHandle(ctx) : pvName,
            volumeAttributes: {
              ...(p.volumeAttributes?.(ctx) ?? {}),
              'storage.kubernetes.io/csiProvisionerIdentity': `${api.now().getTime()}-${Math.floor(identity() * 9000) + 1000}-${p.name}`,
            },
          };
        }
        if (term) spec.nodeAffinity = { required: { nodeSelectorTerms: [term] } };
        return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pvName, annotations }, spec };
      };

      const failed = new Set<string>();
      const provisionQueue = runtime.queue('external-provisioners/claims', (key) => {
        const { namespace, name } = splitKey(key);
        const claim = api.find(rs.claims, namespace, name) as Claim | undefined;
        const opId = claim ? `provision/${claim.metadata.uid}` : '';
        if (!claim || claim.metadata.deletionTimestamp || claim.spec?.volumeName) {
          if (claim) deadlines.clear(opId);
          return;
        }
        const p = table.get(annotation(claim, ANN_STORAGE_PROVISIONER) ?? '');
        if (!p) return;
        const sc = classes.get(undefined, claimClass(claim) ?? '') as StorageClass | undefined;
        if (!sc || sc.provisioner !== p.name) return;
        const pvName = `pvc-${claim.metadata.uid}`;
        if (volumes.get(undefined, pvName) || api.find(rs.volumes, undefined, pvName)) return;
        const selected = annotation(claim, ANN_SELECTED_NODE);
        if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !selected) return;
        const fail = (message: string) => {
          if (!failed.has(opId)) record(p, claim, 'Warning', 'ProvisioningFailed', message);
          failed.add(opId);
          deadlines.clear(opId);
          provisionQueue.addAfter(key, RETRY_MS);
        };
        const node = selected ? nodes.get(undefined, selected) : undefined;
        if (selected && !node) return fail(`failed to get target node: node "${selected}" not found`);
        if (p.mobility === 'node' && !node) {
          return fail(
            `failed to provision volume with StorageClass "${sc.metadata.name}": configuration error, no node was specified`,
          );
        }
        const zone = p.mobility === 'zone' ? zoneFor(p, sc, node, key) : undefined;
        if (p.mobility === 'zone' && !zone) {
          return fail(
            `failed to provision volume with StorageClass "${sc.metadata.name}": error generating accessibility requirements: no topology key found for node ${selected ?? '<none>'}`,
          );
        }
        failed.delete(opId);
        if (!deadlines.has(opId)) {
          record(
            p,
            claim,
            'Normal',
            'Provisioning',
            `External provisioner is provisioning volume for claim "${namespace}/${name}"`,
          );
        }
        if (!deadlines.passed(opId, key, () => draw(p.latency.provision, 'provision', key))) return;
        deadlines.clear(opId);
        try {
          api.create(rs.volumes, undefined, volumeFor(p, claim, sc, node, zone), {
            fieldManager: 'csi-provisioner',
          });
        } catch (err) {
          if (!(isStatusError(err) && err.code === 409)) throw err;
        }
        record(p, claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
      });
      const deadlines = new Deadlines(runtime, provisionQueue);

      const deleteQueue = runtime.queue('external-provisioners/volumes', (name) => {
        const volume = api.find(rs.volumes, undefined, name) as Volume | undefined;
        const opId = `delete/${name}`;
        const p = volume && table.get(annotation(volume, ANN_PROVISIONED_BY) ?? '');
        if (
          !volume ||
          !p ||
          volume.metadata.deletionTimestamp ||
          volume.status?.phase !== 'Released' ||
          volume.spec?.persistentVolumeReclaimPolicy !== 'Delete'
        ) {
          deleteDeadlines.clear(opId);
          return;
        }
        if (!deleteDeadlines.passed(opId, name, () => draw(p.latency.delete, 'delete', name))) return;
        deleteDeadlines.clear(opId);
        try {
          api.delete(rs.volumes, undefined, name);
        } catch (err) {
          if (!(isStatusError(err) && err.code === 404)) throw err;
        }
      });
      const deleteDeadlines = new Deadlines(runtime, deleteQueue);

      claims.on((type, obj) => {
        if (type !== 'DELETED') provisionQueue.add(keyOf(obj));
      });
      volumes.on((type, obj) => {
        if (type !== 'DELETED') deleteQueue.add(obj.metadata.name!);
      });
      // A class or node appearing later can unblock a claim.
      const retryAll = () => {
        for (const c of claims.list()) if (!(c as Claim).spec?.volumeName) provisionQueue.add(keyOf(c));
      };
      classes.on(retryAll, false);
      nodes.on((type) => type === 'ADDED' && retryAll(), false);
    },
  };
}
