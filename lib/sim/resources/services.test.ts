import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential theme services, and a real control plane by hand).
describe('Services are defaulted and checked as kube-apiserver does', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const svcs = '/api/v1/namespaces/default/services';

  before(async () => {
    cluster = await startCluster({ seed: 29 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('gives a headless service with a selector the cluster’s single family', async () => {
    const answer = await rest('POST', svcs, {
      metadata: { name: 'db' },
      spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body.spec).to.deep.include({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  });

  it('lets a headless service without a selector require both families', async () => {
    const answer = await rest('POST', svcs, {
      metadata: { name: 'hl-nosel' },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    expect(answer.body.spec).to.deep.include({
      ipFamilies: ['IPv4', 'IPv6'],
      ipFamilyPolicy: 'RequireDualStack',
      sessionAffinity: 'None',
    });
  });

  it('defaults sessionAffinity on an ExternalName service too, and nothing of a cluster IP', async () => {
    const answer = await rest('POST', svcs, {
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    });
    expect(answer.body.spec).to.deep.equal({
      externalName: 'db.example.com',
      sessionAffinity: 'None',
      type: 'ExternalName',
    });
  });

  it('checks the defaulted targetPort of a port out of range as well', async () => {
    const answer = await rest('POST', svcs, {
      metadata: { name: 'rng' },
      spec: { ports: [{ port: 70000 }] },
    });
    expect(answer.code).to.equal(422);
    expect(
      answer.body.details.causes.map((c: { field: string; message: string }) => [c.field, c.message]),
    ).to.deep.equal([
      ['spec.ports[0].port', 'Invalid value: 70000: must be between 1 and 65535, inclusive'],
      ['spec.ports[0].targetPort', 'Invalid value: 70000: must be between 1 and 65535, inclusive'],
    ]);
  });
});
