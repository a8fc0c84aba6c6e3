import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';

interface Operation {
  parameters?: { name: string; in: string }[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
}

describe('/openapi/v3', () => {
  let cluster: Cluster;
  const get = async (path: string) => {
    const res = await fetch(`${cluster.url}${path}`);
    return { code: res.status, body: (await res.json()) as unknown };
  };

  before(async () => {
    cluster = await startCluster({ seed: 19, token: false });
  });
  after(() => cluster.stop());

  it('lists every served group-version with a hashed document URL', async () => {
    const index = (await get('/openapi/v3')).body as { paths: Record<string, { serverRelativeURL: string }> };
    expect(index.paths['api/v1']!.serverRelativeURL).to.match(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(index.paths).to.have.property('apis/postgresql.cnpg.io/v1');
    expect(index.paths).to.have.property('apis/policy/v1');
  });

  it('offers, for each kind, a PATCH operation with its GVK and the fieldValidation parameter', async () => {
    const doc = (await get('/openapi/v3/apis/postgresql.cnpg.io/v1')).body as {
      paths: Record<string, { patch?: Operation }>;
    };
    const patch = doc.paths['/apis/postgresql.cnpg.io/v1/namespaces/{namespace}/clusters/{name}']!.patch!;
    expect(patch['x-kubernetes-group-version-kind']).to.deep.equal({
      group: 'postgresql.cnpg.io',
      version: 'v1',
      kind: 'Cluster',
    });
    expect(patch.parameters!.map((p) => `${p.in}:${p.name}`)).to.include('query:fieldValidation');
  });

  it('lists a CRD group-version as soon as the CRD is created', async () => {
    const before = ((await get('/openapi/v3')).body as { paths: Record<string, unknown> }).paths;
    expect(before).to.not.have.property('apis/example.com/v1');
    cluster.api.create(cluster.api.resource('apiextensions.k8s.io', 'customresourcedefinitions'), undefined, {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Cluster',
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    });
    const after = ((await get('/openapi/v3')).body as { paths: Record<string, unknown> }).paths;
    expect(after).to.have.property('apis/example.com/v1');
  });

  // The documents of the release itself (k8s.io/kubernetes@v1.36.3 api/openapi-spec), not a summary.
  it('serves the real document of a built-in group-version, with its schemas', async () => {
    const doc = (await get('/openapi/v3/api/v1')).body as {
      components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> };
    };
    const podSpec = doc.components.schemas['io.k8s.api.core.v1.PodSpec']!;
    expect(podSpec.properties!.restartPolicy!.description).to.match(
      /^Restart policy for all containers within the pod\./,
    );
    expect(doc.components.schemas).to.have.property('io.k8s.api.core.v1.ContainerPort');
  });

  it('serves the release swagger at /openapi/v2 as JSON, and as gnostic protobuf to client-go', async () => {
    const swagger = (await get('/openapi/v2')).body as {
      swagger: string;
      definitions: Record<string, unknown>;
    };
    expect(swagger.swagger).to.equal('2.0');
    expect(swagger.definitions).to.have.property('io.k8s.api.core.v1.Pod');
    // The custom kinds are merged in, named as the real server names them.
    expect(swagger.definitions).to.have.property('io.cnpg.postgresql.v1.Cluster');
    // client-go's OpenAPISchema asks for the protobuf only; kube-openapi answers the non-@ spelling.
    const res = await fetch(`${cluster.url}/openapi/v2`, {
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.includes(Buffer.from('io.k8s.api.core.v1.PodSpec'))).to.equal(true);
  });

  it('answers 404 with a Status for a group-version that is not served', async () => {
    const answer = await get('/openapi/v3/apis/nothing.example.com/v1');
    expect(answer.code).to.equal(404);
    expect(answer.body).to.include({ kind: 'Status', reason: 'NotFound' } as Record<string, string>);
  });
});
