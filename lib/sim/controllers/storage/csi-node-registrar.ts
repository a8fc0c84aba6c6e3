/**
 * CSI node registration, as kubelets do it when a driver's node plugin starts: one CSINode per
 * node (named after it, owned by it) listing every CSI driver installed in the cluster (a CSIDriver
 * object exists) with its node ID, topology keys and volume limit. Storage detection reads these
 * to tell zonal drivers from cluster-wide ones before any volume exists.
 */
import type { KObject } from '../../api/types.ts';
import type { Controller, SimRuntime } from '../runtime.ts';
import { csiNodeTopologyKeysOf, type ProvisionerTable } from './provisioners.ts';

interface CsiNodeDriver {
  name: string;
  nodeID: string;
  topologyKeys?: string[];
  allocatable?: { count: number };
}

export function csiNodeRegistrar(table: ProvisionerTable): Controller {
  return {
    name: 'csi-node-registrar',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const csiNodes = api.registry.find('storage.k8s.io', 'csinodes');
      if (!csiNodes || !api.registry.find('storage.k8s.io', 'csidrivers')) return;
      const nodes = runtime.informer('', 'nodes');
      const drivers = runtime.informer('storage.k8s.io', 'csidrivers');

      const driversOn = (node: KObject): CsiNodeDriver[] =>
        drivers
          .list()
          .map((d) => d.metadata.name!)
          .sort()
          .map((name) => {
            const p = table.get(name);
            const entry: CsiNodeDriver = { name, nodeID: node.metadata.name! };
            const keys = p ? csiNodeTopologyKeysOf(p) : undefined;
            if (keys) entry.topologyKeys = [...keys];
            if (p?.allocatableVolumes !== undefined) entry.allocatable = { count: p.allocatableVolumes };
            return entry;
          });

      const queue = runtime.queue('csi-node-registrar', (name) => {
        const node = nodes.get(undefined, name);
        if (!node) return; // the garbage collector removes a CSINode with its Node
        const spec = { drivers: driversOn(node) };
        const existing = api.find(csiNodes, undefined, name);
        if (!existing) {
          api.create(
            csiNodes,
            undefined,
            {
              metadata: {
                name,
                ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
              },
              spec,
            },
            { fieldManager: 'kubelet' },
          );
        } else if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
          api.update(csiNodes, undefined, name, { ...existing, spec }, { fieldManager: 'kubelet' });
        }
      });
      nodes.on((type, node) => {
        if (type === 'ADDED') queue.add(node.metadata.name!);
      });
      drivers.on(() => {
        for (const n of nodes.list()) queue.add(n.metadata.name!);
      }, false);
    },
  };
}
