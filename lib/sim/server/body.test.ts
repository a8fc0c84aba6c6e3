/**
 * Bounded request bodies (issue 16, finding 7): a hostile body is refused or parsed without holding
 * the event loop, so health checks and other clients keep their answers; the refusals read as the
 * real server's (413 past 3 MiB; the decoders' 10000-level nesting limit).
 */
import { get } from 'node:http';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { authHeader } from '../testing/rest.ts';
import { duplicateJsonFields, jsonDepth, yamlDepth } from './body.ts';

/** Polls /healthz every 20 ms while `work` runs; answers the slowest health answer seen, in ms. */
async function slowestHealthCheckDuring(cluster: Cluster, work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.finally(() => {
    done = true;
  });
  let slowest = 0;
  while (!done) {
    const started = performance.now();
    // A fresh connection each time, so no pooled socket's keep-alive race can fail a check.
    await new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port: cluster.port, path: '/healthz', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      }).on('error', reject);
    });
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  await work;
  return slowest;
}

describe('request bodies are parsed with bounds', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ seed: 31 });
  });
  after(() => cluster.stop());

  const post = (body: string | Buffer, contentType: string) =>
    fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { ...authHeader(cluster), 'content-type': contentType },
      body,
    }).then(async (res) => {
      // biome-ignore lint/suspicious/noExplicitAny: a Status or object read field by field
      const body: any = await res.json();
      return { code: res.status, body };
    });

  it('estimates nesting in one pass for JSON and YAML, blocks, flows and compact sequences', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}').depth).to.equal(3);
    expect(jsonDepth('{"a":[1,2,{"b":3}]}').values).to.equal(6);
    expect(yamlDepth('a:\n  b:\n    c: [1, {d: 2}]\n').depth).to.equal(5);
    expect(yamlDepth('- - - x\n').depth).to.equal(4);
    expect(yamlDepth('a: "[[[[" # [[[[\n').depth).to.equal(1);
  });

  it('refuses a 2.9 MiB deeply nested YAML body with the real decoder error, while health checks keep answering', async () => {
    const hostile = `${'- '.repeat(1_500_000)}x\n`;
    expect(hostile.length).to.be.greaterThan(2.8 * 1024 * 1024);
    const answer = post(hostile, 'application/yaml');
    const slowest = await slowestHealthCheckDuring(cluster, answer);
    const { code, body } = await answer;
    expect(code).to.equal(400);
    expect(body.message).to.match(
      /^the object provided is unrecognized \(must be of type ConfigMap\): error converting YAML to JSON: yaml: line 1: exceeded max depth of 10000 \([0-9a-f]{60} \.\.\.\)$/,
    );
    // Generous: the point is "not the whole parse" (tens of seconds before), on a machine that may be
    // busy (five CPU burners beside the suite make one health check take seconds).
    expect(slowest).to.be.below(8000);
  });

  it('refuses JSON nested past 10000 levels as the real decoder does', async () => {
    const deep = `{"metadata":{"name":"deep"},"data":{"a":${'['.repeat(10_001)}${']'.repeat(10_001)}}}`;
    const { code, body } = await post(deep, 'application/json');
    expect(code).to.equal(400);
    expect(body.message).to.equal(
      `the object provided is unrecognized (must be of type ConfigMap): invalid character '[' exceeded max depth ({"metadata":{"name":"deep"},"d ...)`,
    );
  });

  it('parses a large flat YAML body off the event loop: health checks answer meanwhile, and the object is stored', async () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big-yaml', 'data:'];
    for (let i = 0; i < 12_000; i++) lines.push(`  key-${i}: "value number ${i} with some padding text"`);
    const text = lines.join('\n');
    const answer = post(text, 'application/yaml');
    const slowest = await slowestHealthCheckDuring(cluster, answer);
    const { code, body } = await answer;
    expect(code).to.equal(201);
    expect(Object.keys(body.data)).to.have.length(12_000);
    // Storing 12,000 keys takes the one thread a moment; "not seconds" on a busy machine is 8 s.
    expect(slowest).to.be.below(8000);
  });

  it('refuses a 2.9 MiB body of 220,000 tiny keys with 413 at once, instead of holding the server for half a minute', async () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 220_000; i++) data[`k${i}`] = 'v';
    const answer = post(JSON.stringify({ metadata: { name: 'many' }, data }), 'application/json');
    const slowest = await slowestHealthCheckDuring(cluster, answer);
    const { code, body } = await answer;
    expect(code).to.equal(413);
    expect(body.message).to.equal(
      'Request entity too large: the body holds more than 50000 values, the most the embedded cluster accepts in one object',
    );
    expect(slowest).to.be.below(8000);
  });

  it('refuses YAML of more values than that too, counted off the event loop', async () => {
    const lines = ['metadata:', '  name: many-yaml', 'data:'];
    for (let i = 0; i < 60_000; i++) lines.push(`  k${i}: v`);
    const { code, body } = await post(lines.join('\n'), 'application/yaml');
    expect(code).to.equal(413);
    expect(body.message).to.contain('more than 50000 values');
  });

  it('finds keys a JSON object names twice, with the paths the strict decoder prints', () => {
    expect(duplicateJsonFields('{"spec":{"a":1,"b":"x,\\"{","a":2}}')).to.deep.equal(['spec.a']);
    expect(duplicateJsonFields('{"s":{"c":[{"n":1},{"n":1,"n":2}]},"k":{"\\u0061":1,"a":2}}')).to.deep.equal([
      's.c[1].n',
      'k.a',
    ]);
    expect(duplicateJsonFields('{"a":{"x":1},"b":{"x":1}}')).to.deep.equal([]);
  });

  it('refuses a duplicate field under Strict and warns under Warn, keeping the last value', async () => {
    const text = '{"metadata":{"name":"twice"},"data":{"a":"1","a":"2"}}';
    const send = (validation: string) =>
      fetch(`${cluster.url}/api/v1/namespaces/default/configmaps?fieldValidation=${validation}`, {
        method: 'POST',
        headers: { ...authHeader(cluster), 'content-type': 'application/json' },
        body: text,
      });
    const strict = await send('Strict');
    expect(strict.status).to.equal(400);
    expect(((await strict.json()) as { message: string }).message).to.equal(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data.a"',
    );
    const warned = await send('Warn');
    expect(warned.status).to.equal(201);
    expect(warned.headers.get('warning')).to.equal('299 - "duplicate field \\"data.a\\""');
    expect(((await warned.json()) as { data: unknown }).data).to.deep.equal({ a: '2' });
  });

  it('answers 413 from the declared length of a body over 3 MiB, before reading it', async () => {
    const { code, body } = await post(Buffer.alloc(3 * 1024 * 1024 + 1, 0x20), 'application/json');
    expect(code).to.equal(413);
    expect(body.message).to.equal('Request entity too large: limit is 3145728');
  });
});
