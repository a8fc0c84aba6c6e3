import { request } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { resourceKey } from '../api/resource.ts';
import { type Cluster, startCluster } from '../index.ts';
import { decodeProtobufBody, PROTOBUF_CONTENT_TYPE } from './protobuf.ts';

/** A Status answer in the encoding the server chose (protobuf when the client asked for it first). */
// biome-ignore lint/suspicious/noExplicitAny: a Status read field by field
function statusOf(out: { contentType: string; text: string; raw: Buffer }): any {
  return out.contentType.startsWith(PROTOBUF_CONTENT_TYPE)
    ? decodeProtobufBody(out.raw)
    : JSON.parse(out.text);
}

/** One raw HTTP exchange; watches are cut after their headers. Rejects after 3 s (a hang is a failure). */
function exchange(
  cluster: Cluster,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; contentType: string; text: string; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: cluster.port, method, path, headers, agent: false },
      (res) => {
        // A watch streams without a length (any watch value but 0 and false asks for one).
        const isStream = res.statusCode === 200 && res.headers['content-length'] === undefined;
        const chunks: Buffer[] = [];
        if (isStream) {
          resolve({
            status: 200,
            contentType: String(res.headers['content-type']),
            text: '',
            raw: Buffer.alloc(0),
          });
          res.destroy();
          return;
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
            raw: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(3000, () => req.destroy(new Error(`no answer within 3 s to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'apis',
    'v1',
    'v2',
    'namespaces',
    'default',
    'kube-system',
    'fuzz',
    'pods',
    'configmaps',
    'nodes',
    'namespaces',
    'status',
    'binding',
    'eviction',
    'finalize',
    'apps',
    'policy',
    'storage.k8s.io',
    'web-0',
    'cm-1',
    '%2F',
    '%zz',
    '%00',
    '..',
    '',
  ),
  fc.stringMatching(/^[A-Za-z0-9%._~-]{0,12}$/),
);

const path = fc
  .tuple(
    fc.oneof(
      fc.constant(['api', 'v1']),
      fc.constant(['api', 'v1', 'namespaces', 'fuzz']),
      fc.constant(['apis', 'apps', 'v1']),
      fc.constant([] as string[]),
    ),
    fc.array(segment, { maxLength: 4 }),
  )
  .map(([prefix, rest]) => `/${[...prefix, ...rest].join('/')}`);

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    'true',
    'All',
    'app=web',
    'app in (a,b)',
    'metadata.name=x',
    'x=',
    '!',
    '999999999',
  ),
  fc.stringMatching(/^[A-Za-z0-9=!,()%._~-]{0,16}$/),
);

const query = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom(
        'watch',
        'labelSelector',
        'fieldSelector',
        'limit',
        'continue',
        'resourceVersion',
        'resourceVersionMatch',
        'sendInitialEvents',
        'allowWatchBookmarks',
        'timeoutSeconds',
        'dryRun',
        'force',
        'fieldManager',
        'gracePeriodSeconds',
        'propagationPolicy',
        'includeObject',
      ),
      queryValue,
    ),
    { maxLength: 4, selector: ([k]) => k },
  )
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v.replaceAll(' ', '%20')}`).join('&')}` : '',
  );

const name = fc.constantFrom('web-0', 'cm-1', 'Bad_Name', '', 'fuzz', 'default', 'x'.repeat(300));
const labels = fc.dictionary(
  fc.constantFrom('app', 'tier', 'bad key', 'a/b/c'),
  fc.constantFrom('web', '', '-x-', 'ok'),
  {
    maxKeys: 2,
  },
);
const kubeObject = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'policy/v1', 'bogus'),
    kind: fc.constantFrom('Pod', 'ConfigMap', 'Node', 'Namespace', 'Eviction', 'Binding', 'Nope'),
    metadata: fc.record(
      {
        name,
        namespace: fc.constantFrom('fuzz', 'default', 'other'),
        labels,
        finalizers: fc.array(fc.constantFrom('example.com/hold', 'kubernetes'), { maxLength: 2 }),
        resourceVersion: fc.constantFrom('1', '99999', 'abc'),
        managedFields: fc.constantFrom(
          [],
          [{}],
          [{ manager: 'm', operation: 'Apply', fieldsV1: { 'f:x': {} } }],
          'junk',
        ),
      },
      { requiredKeys: [] },
    ),
    spec: fc.oneof(
      fc.record(
        {
          containers: fc.array(
            fc.record({ name: fc.constantFrom('c', 'd'), image: fc.constantFrom('i:1', '') }),
            {
              maxLength: 2,
            },
          ),
          nodeName: fc.constantFrom('node-a', ''),
          unschedulable: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    data: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
    target: fc.record({ name: fc.constantFrom('node-a', '') }),
    status: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const patchOps = fc.array(
  fc.record({
    op: fc.constantFrom('add', 'remove', 'replace', 'test', 'move', 'copy', 'bogus'),
    path: fc.constantFrom(
      '/metadata/labels',
      '/metadata/labels/app',
      '/data/x',
      '/spec',
      '/',
      '',
      '/__proto__/x',
    ),
    value: fc.jsonValue(),
    from: fc.constantFrom('/metadata', '/data'),
  }),
  { maxLength: 3 },
);
const body = fc.oneof(
  kubeObject.map((o) => JSON.stringify(o)),
  patchOps.map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '{', 'metadata: [', '{"__proto__": {"polluted": true}}', 'a: &x [*x]', '--- a\n--- b'),
  fc.constant(undefined),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
  'application/apply-patch+cbor',
  'text/plain',
  'application/json; charset=utf-8',
  '',
);
const accept = fc.constantFrom(
  'application/json',
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
  '*/*',
  'application/vnd.kubernetes.protobuf',
  '',
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'FROB'),
  path,
  query,
  body,
  contentType,
  accept,
  withToken: fc.boolean(),
});

describe('the API server under random requests', () => {
  let cluster: Cluster;
  let token: string;

  before(async () => {
    // A token, so that requests with and without one are both exercised.
    // Lists naming a future resourceVersion wait for it; briefly here, so a run stays short.
    cluster = await startCluster({
      seed: 99,
      token: true,
      http: { maxBodyBytes: 64 * 1024, resourceVersionWaitMs: 50 },
    });
    token = /token: (\S+)/.exec(cluster.kubeconfig)![1]!;
    const ns = cluster.api.resource('', 'namespaces');
    cluster.api.create(ns, undefined, { metadata: { name: 'fuzz' } });
    cluster.api.create(cluster.api.resource('', 'configmaps'), 'fuzz', { metadata: { name: 'cm-1' } });
  });

  after(() => cluster.stop());

  it('answers every request with a well-formed response and never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const headers: Record<string, string> = {};
        if (r.withToken) headers.Authorization = `Bearer ${token}`;
        if (r.contentType) headers['Content-Type'] = r.contentType;
        if (r.accept) headers.Accept = r.accept;
        if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
        const out = await exchange(cluster, r.method, `${r.path}${r.query}`, headers, r.body);
        expect(out.status, 'an HTTP status').to.be.within(200, 599);
        expect(out.status, `no internal error: ${out.text}`).to.not.equal(500);
        // Outside the API (and under a group it does not serve) the real server's mux answers a plain
        // `404 page not found`, not a Status.
        const muxNotFound = out.status === 404 && out.text === '404 page not found\n';
        if (out.status >= 400 && r.method !== 'HEAD' && !muxNotFound) {
          expect(out.contentType).to.match(/^application\/(json|vnd\.kubernetes\.protobuf)/);
          const status = statusOf(out);
          expect(status).to.include({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            code: out.status,
          });
          expect(status.message, 'a message saying what was wrong').to.be.a('string').and.not.equal('');
        }
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('leaves every stored object readable over HTTP and resourceVersions increasing', async () => {
    const store = cluster.api.store;
    let highest = 0;
    for (const rt of cluster.api.registry.all()) {
      for (const obj of store.list(resourceKey(rt))) {
        const rv = Number(obj.metadata.resourceVersion);
        expect(
          Number.isInteger(rv) && rv > 0,
          `${rt.plural}/${obj.metadata.name} has a numeric resourceVersion`,
        ).to.be.true;
        highest = Math.max(highest, rv);
        const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
        const where = rt.namespaced ? `/namespaces/${obj.metadata.namespace}` : '';
        const url = `${base}${where}/${rt.plural}/${encodeURIComponent(obj.metadata.name!)}`;
        const out = await exchange(cluster, 'GET', url, { Authorization: `Bearer ${token}` }, undefined);
        expect(out.status, `GET ${url}: ${out.text}`).to.equal(200);
        expect(JSON.parse(out.text).metadata.uid).to.equal(obj.metadata.uid);
      }
    }
    const after = await exchange(
      cluster,
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      JSON.stringify({ metadata: { generateName: 'after-fuzz-' } }),
    );
    expect(after.status).to.equal(201);
    expect(Number(JSON.parse(after.text).metadata.resourceVersion)).to.be.greaterThan(highest);
  });
});

describe('every served resource under random requests (kind preset, controllers running)', () => {
  let cluster: Cluster;

  before(async () => {
    cluster = await startCluster({
      preset: 'kind',
      // 0.05, not 0.01: the preset's DaemonSets must settle within its start window on a busy machine.
      timeScale: 0.05,
      seed: 31,
      token: false,
      http: { resourceVersionWaitMs: 50 },
    });
  });

  after(() => cluster.stop());

  it('answers requests to every resource and subresource without an internal error', async () => {
    const api = cluster.api;
    const targets: string[] = [];
    for (const rt of api.registry.all()) {
      const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
      const scopes = rt.namespaced
        ? ['/namespaces/default', '/namespaces/kube-system', '/namespaces/missing']
        : [''];
      const names = [
        ...api.store
          .list(resourceKey(rt))
          .slice(0, 2)
          .map((o) => o.metadata.name!),
        'absent',
      ];
      const subresources = ['status', ...Object.keys(rt.subresources ?? {}), 'bogus'];
      for (const scope of scopes) {
        const collection = `${base}${scope}/${rt.plural}`;
        targets.push(collection);
        for (const n of names) {
          targets.push(`${collection}/${n}`);
          for (const sub of subresources) targets.push(`${collection}/${n}/${sub}`);
        }
      }
    }
    const kinds = [
      ...new Set(api.registry.all().map((rt) => rt.kind)),
      'Eviction',
      'Binding',
      'Scale',
      'DeleteOptions',
    ];
    const shaped = fc.record(
      {
        apiVersion: fc.constantFrom('v1', 'policy/v1', 'apps/v1', 'autoscaling/v1', 'postgresql.cnpg.io/v1'),
        kind: fc.constantFrom(...kinds),
        metadata: fc.record(
          { name: fc.constantFrom('absent', 'kind-worker', 'default', ''), labels },
          { requiredKeys: [] },
        ),
        spec: fc.oneof(
          fc.record({ replicas: fc.integer(), instances: fc.integer(), unschedulable: fc.boolean() }),
          fc.jsonValue(),
        ),
        target: fc.record({ kind: fc.constantFrom('Node'), name: fc.constantFrom('kind-worker', 'nope') }),
        deleteOptions: fc.jsonValue(),
        preconditions: fc.record({ uid: fc.constantFrom('x', '') }),
        status: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const arb = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      target: fc.constantFrom(...targets),
      query,
      body: fc.oneof(
        shaped.map((o) => JSON.stringify(o)),
        patchOps.map((o) => JSON.stringify(o)),
        body,
      ),
      contentType,
      accept,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['Content-Type'] = r.contentType;
        if (r.accept) headers.Accept = r.accept;
        if (r.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(r.body));
        const out = await exchange(cluster, r.method, `${r.target}${r.query}`, headers, r.body);
        expect(out.status, `no internal error: ${out.text}`).to.not.equal(500);
        if (out.status >= 400 && out.text !== '404 page not found\n') {
          const status = statusOf(out);
          expect(status).to.include({ kind: 'Status', code: out.status });
        }
      }),
      { numRuns: 400, seed: 777 },
    );
  });
});
