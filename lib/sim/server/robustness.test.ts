import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';

interface Answer {
  code: number;
  body: Record<string, unknown>;
}

describe('bad requests get the real answers', () => {
  let cluster: Cluster;
  let token: string;

  before(async () => {
    cluster = await startCluster({ seed: 17, token: true, http: { maxBodyBytes: 4096 } });
    token = /token: (\S+)/.exec(cluster.kubeconfig)![1]!;
  });

  after(() => cluster.stop());

  async function send(
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<Answer> {
    const res = await fetch(`${cluster.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
      body,
    });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const configMaps = '/api/v1/namespaces/default/configmaps';

  it('answers a body over the limit with 413 RequestEntityTooLarge', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { blob: 'x'.repeat(8192) } });
    const answer = await send('POST', configMaps, big);
    expect(answer.code).to.equal(413);
    expect(answer.body).to.deep.include({
      kind: 'Status',
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: limit is 4096',
    });
  });

  it('keeps serving on the same server after refusing a large body', async () => {
    await send('POST', configMaps, 'x'.repeat(10_000));
    expect((await send('GET', configMaps)).code).to.equal(200);
  });

  it('answers malformed JSON with 400 naming the kind', async () => {
    const answer = await send('POST', configMaps, '{"metadata": {"name": "x"');
    expect(answer.code).to.equal(400);
    expect(answer.body.reason).to.equal('BadRequest');
    expect(answer.body.message).to.match(
      /^ConfigMap in version "v1" cannot be handled as a ConfigMap: json: /,
    );
  });

  it('answers malformed YAML in an apply patch with 400 error decoding YAML', async () => {
    const answer = await send(
      'PATCH',
      `${configMaps}/y?fieldManager=t`,
      'metadata: [unclosed',
      'application/apply-patch+yaml',
    );
    expect(answer.code).to.equal(400);
    expect(String(answer.body.message)).to.match(/^error decoding YAML: /);
  });

  it('answers a body of the wrong kind with 400', async () => {
    const answer = await send(
      'POST',
      configMaps,
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }),
    );
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      'ConfigMap in version "v1" cannot be handled as a Secret: the kind does not match the resource',
    );
  });

  it('answers a body of the wrong apiVersion with 400', async () => {
    const answer = await send(
      'POST',
      configMaps,
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 's' } }),
    );
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
  });

  it('answers an absurdly nested body with 400 instead of exhausting the stack', async () => {
    const deep = `{"metadata":{"name":"deep"},"data":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    const answer = await send('POST', configMaps, deep);
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      'the request body nests 2001 levels deep; the embedded cluster accepts at most 1000 (a real API server accepts up to 10000)',
    );
  });

  it('answers a body that is not an object with 400', async () => {
    const answer = await send('POST', configMaps, '[1, 2]');
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal('the body of the request must be a ConfigMap object');
  });

  it('answers an invalid name with 422 Invalid and its cause', async () => {
    const answer = await send('POST', configMaps, JSON.stringify({ metadata: { name: 'Bad_Name' } }));
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/,
    );
    const details = answer.body.details as { causes: { reason: string; field: string }[] };
    expect(details.causes.map((c) => [c.reason, c.field])).to.deep.equal([
      ['FieldValueInvalid', 'metadata.name'],
    ]);
  });

  it('answers a missing name with 422 Required value', async () => {
    const answer = await send('POST', configMaps, JSON.stringify({ metadata: {} }));
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    );
  });

  it('answers an invalid label value with 422 and a metadata.labels cause', async () => {
    const answer = await send(
      'POST',
      configMaps,
      JSON.stringify({ metadata: { name: 'labelled', labels: { app: 'not valid!' } } }),
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^ConfigMap "labelled" is invalid: metadata\.labels: Invalid value: "not valid!": a valid label must be/,
    );
    const details = answer.body.details as { causes: { field: string }[] };
    expect(details.causes.map((c) => c.field)).to.deep.equal(['metadata.labels']);
  });

  it('answers a wrong bearer token with 401', async () => {
    const res = await fetch(`${cluster.url}${configMaps}`, { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.include({ reason: 'Unauthorized', message: 'Unauthorized' });
  });

  it('answers a method a collection does not take with 405', async () => {
    const answer = await send('PUT', configMaps, '{}');
    expect(answer.code).to.equal(405);
    expect(answer.body.reason).to.equal('MethodNotAllowed');
  });

  // apimachinery pkg/apis/meta/v1/validation ValidateDeleteOptions.
  it('refuses orphanDependents with a propagationPolicy, and an unknown policy, with 422 on DeleteOptions', async () => {
    await send('POST', configMaps, JSON.stringify({ metadata: { name: 'del-opts' } }));
    const both = await send(
      'DELETE',
      `${configMaps}/del-opts?orphanDependents=true&propagationPolicy=Background`,
    );
    expect(both.code).to.equal(422);
    expect(both.body.message).to.equal(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set',
    );
    const sideways = await send(
      'DELETE',
      `${configMaps}/del-opts`,
      JSON.stringify({ propagationPolicy: 'Sideways' }),
    );
    expect(sideways.body.message).to.equal(
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
    );
  });

  it('orphans dependents for orphanDependents=True (the Python client), leaving the orphan finalizer', async () => {
    await send('POST', configMaps, JSON.stringify({ metadata: { name: 'orphaning' } }));
    const answer = await send('DELETE', `${configMaps}/orphaning?orphanDependents=True`);
    expect(answer.code).to.equal(200);
    expect((answer.body.metadata as { finalizers?: string[] }).finalizers).to.deep.equal(['orphan']);
  });

  it('answers an unknown path with 404 as a Status', async () => {
    const answer = await send('GET', '/api/v1/nothing-here');
    expect(answer.code).to.equal(404);
    expect(answer.body).to.deep.include({ kind: 'Status', reason: 'NotFound' });
  });

  // kubectl debug reads details.name of this 404 (kubectl pkg/cmd/debug/debug.go) and panics without
  // details; the real server's NotFound handler always sends them, empty.
  it('answers an unserved subresource with 404 and empty details, as kubectl debug expects', async () => {
    const answer = await send('PATCH', '/api/v1/namespaces/default/pods/web/ephemeralcontainers', '{}');
    expect(answer.code).to.equal(404);
    expect(answer.body).to.deep.include({
      message: 'the server could not find the requested resource',
      details: {},
    });
  });
});
