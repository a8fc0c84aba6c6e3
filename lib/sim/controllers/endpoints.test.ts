import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { clientsFor, until } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';
import { endpointsController } from './endpoints.ts';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

describe('endpointsController', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;

  before(async () => {
    cluster = await startCluster({ controllers: [endpointsController()], timeScale: 0.01, seed: 4 });
    core = clientsFor(cluster).core;
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'db', labels: { app: 'db' } },
        spec: { selector: { app: 'db' }, ports: [{ name: 'postgres', port: 5432, targetPort: 'pg' }] },
      },
    });
  });

  after(() => cluster.stop());

  async function pod(name: string, ip: string, ready: boolean): Promise<void> {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name, labels: { app: 'db' } },
        spec: {
          nodeName: 'n1',
          containers: [{ name: 'pg', image: 'pg', ports: [{ name: 'pg', containerPort: 6543 }] }],
        },
      },
    });
    await core.patchNamespacedPodStatus(
      {
        name,
        namespace: 'default',
        body: {
          status: {
            phase: 'Running',
            podIP: ip,
            conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          },
        },
      },
      mergePatch,
    );
  }

  it('lists Ready pods as addresses and the others as notReadyAddresses, on the resolved target port', async () => {
    await pod('db-1', '10.0.0.1', true);
    await pod('db-2', '10.0.0.2', false);
    const ep = await until('both pods listed', async () => {
      const e = await core.readNamespacedEndpoints({ namespace: 'default', name: 'db' });
      const s = e.subsets?.[0];
      return s?.addresses?.length === 1 && s.notReadyAddresses?.length === 1 && e;
    });
    const subset = ep.subsets![0]!;
    expect(subset.addresses![0]).to.deep.include({ ip: '10.0.0.1', nodeName: 'n1' });
    expect(subset.addresses![0]!.targetRef).to.deep.include({
      kind: 'Pod',
      name: 'db-1',
      namespace: 'default',
    });
    expect(subset.notReadyAddresses![0]!.ip).to.equal('10.0.0.2');
    expect(subset.ports).to.deep.equal([{ name: 'postgres', port: 6543, protocol: 'TCP' }]);
    expect(ep.metadata?.labels).to.deep.equal({ app: 'db' });
  });

  it('drops a pod whose labels stop matching the selector', async () => {
    await core.patchNamespacedPod(
      { name: 'db-1', namespace: 'default', body: { metadata: { labels: { app: 'other' } } } },
      mergePatch,
    );
    await until('db-1 dropped', async () => {
      const e = await core.readNamespacedEndpoints({ namespace: 'default', name: 'db' });
      return !(e.subsets?.[0]?.addresses ?? []).some((a) => a.targetRef?.name === 'db-1');
    });
  });

  // kube-apiserver v1.36.3 warns on every request to v1 Endpoints (differential services/endpoints-follow-service).
  it('warns that v1 Endpoints are deprecated, as the real server does on every request to them', async () => {
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/endpoints`, {
      headers: authHeader(cluster),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('warning')).to.equal(
      '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
    );
  });

  it('removes the Endpoints with their Service', async () => {
    await core.deleteNamespacedService({ namespace: 'default', name: 'db' });
    await until('endpoints gone', async () => {
      const list = await core.listNamespacedEndpoints({ namespace: 'default' });
      return !list.items.some((e) => e.metadata?.name === 'db');
    });
  });
});
