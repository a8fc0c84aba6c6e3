import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { authHeader, type RestAnswer, restClient } from '../testing/rest.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', plural: 'widgets', shortNames: ['wd'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.size' },
        },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      },
    ],
  },
};

describe('CustomResourceDefinitions', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;
  const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const widgets = '/apis/example.com/v1/namespaces/default/widgets';

  beforeEach(async () => {
    cluster = await startCluster({ seed: 11 });
    call = restClient(cluster);
  });
  afterEach(() => cluster.stop());

  it('serves and advertises a kind as soon as its CRD is created, with Established status', async () => {
    const created = await call('POST', crds, widgetCrd);
    expect(created.code).to.equal(201);
    expect(
      created.body.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]),
    ).to.deep.equal([
      ['NamesAccepted', 'True'],
      ['Established', 'True'],
    ]);
    const discovery = await call('GET', '/apis/example.com/v1');
    expect(discovery.body.resources.map((r: { name: string }) => r.name)).to.deep.equal([
      'widgets',
      'widgets/status',
      'widgets/scale',
    ]);
    expect(
      (
        await call('POST', widgets, {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w' },
          spec: { size: 2 },
        })
      ).code,
    ).to.equal(201);
  });

  it('prints the CRD printer columns in server-side tables', async () => {
    await call('POST', crds, widgetCrd);
    await call('POST', widgets, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 2 },
    });
    const res = await fetch(`${cluster.url}${widgets}`, {
      headers: { accept: TABLE, ...authHeader(cluster) },
    });
    const table = (await res.json()) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal(['Name', 'Size']);
    expect(table.rows[0].cells).to.deep.equal(['w', 2]);
  });

  it('scales a custom resource through its scale subresource', async () => {
    await call('POST', crds, widgetCrd);
    await call('POST', widgets, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 2 },
    });
    const scale = await call('GET', `${widgets}/w/scale`);
    expect(scale.body.spec.replicas).to.equal(2);
    scale.body.spec.replicas = 5;
    expect((await call('PUT', `${widgets}/w/scale`, scale.body)).body.spec.replicas).to.equal(5);
    expect((await call('GET', `${widgets}/w`)).body.spec.size).to.equal(5);
  });

  it('stops serving the kind and drops its objects when the CRD is deleted', async () => {
    await call('POST', crds, widgetCrd);
    await call('POST', widgets, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 2 },
    });
    await call('DELETE', `${crds}/widgets.example.com`);
    expect((await call('GET', '/apis/example.com/v1')).code).to.equal(404);
    expect((await call('GET', `${widgets}/w`)).code).to.equal(404);
    await call('POST', crds, widgetCrd);
    expect((await call('GET', widgets)).body.items).to.deep.equal([]);
  });

  it('rejects a CRD whose name is not plural.group', async () => {
    const answer = await call('POST', crds, { ...widgetCrd, metadata: { name: 'widget.example.com' } });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'CustomResourceDefinition.apiextensions.k8s.io "widget.example.com" is invalid: metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group',
    );
  });

  it('serves clusters.postgresql.cnpg.io from the start with the CNPG printer columns', async () => {
    const res = await fetch(`${cluster.url}/apis/postgresql.cnpg.io/v1/namespaces/default/clusters`, {
      headers: { accept: TABLE, ...authHeader(cluster) },
    });
    const table = (await res.json()) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal([
      'Name',
      'Age',
      'Instances',
      'Ready',
      'Status',
      'Primary',
    ]);
  });
  it('refuses a CNPG cluster with fewer than one instance, as the CRD schema does', async () => {
    const answer = await call('POST', '/apis/postgresql.cnpg.io/v1/namespaces/default/clusters', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'pg' },
      spec: { instances: 0 },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'Cluster.postgresql.cnpg.io "pg" is invalid: spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1',
    );
  });

  // The defaults of CloudNativePG v1.30.0's CRD schema, applied by the API server before any webhook.
  it('defaults a CNPG cluster from the operator CRD schema', async () => {
    const answer = await call('POST', '/apis/postgresql.cnpg.io/v1/namespaces/default/clusters', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'pg' },
      spec: { storage: { size: '1Gi' } },
    });
    expect(answer.body.spec).to.deep.include({
      instances: 1,
      primaryUpdateStrategy: 'unsupervised',
      primaryUpdateMethod: 'restart',
      enablePDB: true,
      switchoverDelay: 3600,
      storage: { size: '1Gi', resizeInUseVolumes: true },
    });
    expect(answer.body.spec.replicationSlots).to.deep.equal({
      highAvailability: { enabled: true, slotPrefix: '_cnpg_' },
      updateInterval: 30,
    });
  });

  it('prunes fields a structural schema does not declare and checks declared types', async () => {
    const structural = structuredClone(widgetCrd);
    structural.spec.versions[0]!.schema.openAPIV3Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
    } as never;
    await call('POST', crds, structural);
    const created = await call('POST', widgets, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 2, colour: 'red' },
      extra: true,
    });
    expect(created.body.spec).to.deep.equal({ size: 2 });
    expect(created.body.extra).to.equal(undefined);
    const wrong = await call('POST', widgets, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'v' },
      spec: { size: 'big' },
    });
    expect(wrong.code).to.equal(422);
    // The scale subresource reads spec.size as its replicas too, and says so (as kube-apiserver does
    // for CloudNativePG's spec.instances: differential crds/cnpg-wrong-type).
    expect(wrong.body.message).to.equal(
      'Widget.example.com "v" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", .spec.size: Invalid value: 0: .spec.size accessor error: big is of the type string, expected int64]',
    );
  });
  it('serves every served version from the same objects, across a storage version change', async () => {
    const twoVersions = structuredClone(widgetCrd) as typeof widgetCrd;
    const v1 = twoVersions.spec.versions[0]!;
    twoVersions.spec.versions = [{ ...v1, name: 'v1beta1', storage: false }, v1];
    await call('POST', crds, twoVersions);
    const created = await call('POST', '/apis/example.com/v1beta1/namespaces/default/widgets', {
      apiVersion: 'example.com/v1beta1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 1 },
    });
    expect(created.code).to.equal(201);
    const read = await call('GET', `${widgets}/w`);
    expect(read.body.apiVersion).to.equal('example.com/v1');
    expect(read.body.metadata.uid).to.equal(created.body.metadata.uid);
    const crd = (await call('GET', `${crds}/widgets.example.com`)).body;
    crd.spec.versions[0].storage = true;
    crd.spec.versions[1].storage = false;
    expect((await call('PUT', `${crds}/widgets.example.com`, crd)).code).to.equal(200);
    expect(
      (await call('GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w')).body.spec,
    ).to.deep.equal({ size: 1 });
  });
  it('warns about fields the schema does not declare when field validation is Warn', async () => {
    const structural = structuredClone(widgetCrd);
    structural.spec.versions[0]!.schema.openAPIV3Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
    } as never;
    await call('POST', crds, structural);
    const res = await fetch(`${cluster.url}${widgets}?fieldValidation=Warn`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...authHeader(cluster),
      },
      body: JSON.stringify({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { size: 1, colour: 'red' },
      }),
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('warning')).to.equal('299 - "unknown field \\"spec.colour\\""');
  });
});
