/**
 * A real control plane's nodes must be the embedded cluster's nodes: a spec that selects by zone,
 * avoids the control plane's taint or reads an address has to see the same on both targets.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { startCluster } from '../sim/index.ts';
import { CONTROLPLANE_PRESETS, nodeObject, presetOf } from './objects.ts';

describe('control-plane nodes', () => {
  for (const name of CONTROLPLANE_PRESETS) {
    it(`carry the labels, taints, capacity and addresses of the embedded ${name} preset's nodes`, async () => {
      const sim = await startCluster({ preset: name, seed: 1 });
      try {
        const config = new KubeConfig();
        config.loadFromString(sim.kubeconfig);
        const embedded = (await config.makeApiClient(CoreV1Api).listNode()).items;
        const preset = presetOf(name);
        expect(preset.nodes.map((n) => n.name)).to.have.members(embedded.map((n) => n.metadata?.name));
        preset.nodes.forEach((node, i) => {
          const real = nodeObject(node, i);
          const twin = embedded.find((n) => n.metadata?.name === node.name)!;
          const { 'volumes.kubernetes.io/controller-managed-attach-detach': _, ...annotations } =
            twin.metadata?.annotations ?? {};
          expect(real.metadata?.labels, node.name).to.deep.equal(twin.metadata?.labels);
          expect(real.spec?.taints ?? [], node.name).to.deep.equal(twin.spec?.taints ?? []);
          expect(real.spec?.podCIDRs, node.name).to.deep.equal(twin.spec?.podCIDRs);
          expect(real.spec?.unschedulable, node.name).to.equal(twin.spec?.unschedulable);
          expect(real.status?.capacity, node.name).to.deep.equal(twin.status?.capacity);
          expect(real.status?.addresses, node.name).to.deep.equal(twin.status?.addresses);
          expect(real.metadata?.annotations, node.name).to.include(annotations);
        });
      } finally {
        await sim.stop();
      }
    });
  }
});
