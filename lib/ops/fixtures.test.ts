import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { type Connection, connect } from '../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { applyFixture, parseManifests } from './fixtures.ts';
import { createTestNamespace } from './namespaces.ts';
import { substituteVariables } from './template.ts';

use(chaiAsPromised);

const TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  storageClass: \${E2E_DEFAULT_STORAGE_CLASS}
  major: "\${PG_MAJOR}"
---
# an empty document is fine
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: \${E2E_DEFAULT_STORAGE_CLASS}
provisioner: rancher.io/local-path
`;

describe('template substitution', () => {
  it('replaces braced variables from the given values and leaves $VAR alone', () => {
    expect(substituteVariables(`a: \${X}\nb: $X\n`, { X: 'one' })).to.equal('a: one\nb: $X\n');
  });

  it('names every missing or empty variable in one error', () => {
    expect(() => substituteVariables(`\${B} \${A} \${A} \${C}`, { C: '' }, 'cluster.yaml.template')).to.throw(
      'cluster.yaml.template: missing template variables A, B, C; give them in { variables } or the environment (empty values count as missing)',
    );
  });
});

describe('parseManifests', () => {
  it('names the document and line of an object without a kind', () => {
    expect(() =>
      parseManifests(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n',
        'f.yaml',
      ),
    ).to.throw('f.yaml document 2 (line 5): missing kind');
  });
});

describe('applyFixture and test namespaces', () => {
  let cluster: TestCluster;
  let conn: Connection;

  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 9 });
    conn = await connect({ kubeconfig: cluster.kubeconfig, retry: { retries: 0 } });
  });
  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('creates a unique namespace and deletes it on cleanup, twice without error', async () => {
    const ns = await createTestNamespace(conn, { prefix: 'drain' });
    expect(ns.name).to.match(/^drain-[a-z0-9]{5}$/);
    expect(await conn.findNamespace(ns.name)).to.not.equal(undefined);
    await ns.cleanup();
    await ns.cleanup();
    const after = await conn.findNamespace(ns.name);
    expect(after === undefined || after.status?.phase === 'Terminating').to.equal(true);
  });

  it('rejects a prefix that cannot make a namespace name', async () => {
    await expect(createTestNamespace(conn, { prefix: 'Bad_Prefix' })).to.be.rejectedWith(
      TypeError,
      'createTestNamespace: prefix "Bad_Prefix" must be at most 57 lowercase letters, digits or "-", starting and ending with a letter or digit',
    );
  });

  it('rejects a missing connection and bad options at the call, saying what to pass', async () => {
    await expect(applyFixture(null as unknown as Connection, 'x.yaml')).to.be.rejectedWith(
      TypeError,
      'applyFixture: the first argument must be a Connection (const conn = await connect()), got null',
    );
    await expect(applyFixture(conn, 'x.yaml', { mdoe: 'create' } as object)).to.be.rejectedWith(
      TypeError,
      'applyFixture: unknown option mdoe; did you mean mode?',
    );
    await expect(applyFixture(conn, 'x.yaml', { mode: 'replace' as 'create' })).to.be.rejectedWith(
      TypeError,
      "applyFixture: option mode must be one of 'apply', 'create', got \"replace\"",
    );
  });

  it('applies a multi-document template into the namespace with server-side apply', async () => {
    const ns = await createTestNamespace(conn);
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-fixture-'));
    const file = join(dir, 'cluster.yaml.template');
    await writeFile(file, TEMPLATE);
    const objects = await applyFixture(conn, file, {
      namespace: ns.name,
      variables: { E2E_DEFAULT_STORAGE_CLASS: 'standard', PG_MAJOR: 17 },
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`)).to.deep.equal([
      `ConfigMap/${ns.name}/settings`,
      'StorageClass//standard',
    ]);
    const cm = await conn.core.readNamespacedConfigMap({ namespace: ns.name, name: 'settings' });
    expect(cm.data).to.deep.equal({ storageClass: 'standard', major: '17' });
    // Applying again is idempotent.
    await applyFixture(conn, file, {
      namespace: ns.name,
      variables: { E2E_DEFAULT_STORAGE_CLASS: 'standard', PG_MAJOR: 17 },
    });
    await ns.cleanup();
  });

  it('creates objects in create mode and fails on the second create', async () => {
    const ns = await createTestNamespace(conn);
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: once\n';
    await applyFixture(conn, text, { namespace: ns.name, mode: 'create' });
    await expect(applyFixture(conn, text, { namespace: ns.name, mode: 'create' })).to.be.rejectedWith(
      `create ConfigMap ${ns.name}/once (fixture text document 1 (line 1)) failed`,
    );
    await ns.cleanup();
  });

  it('fails before creating anything when a variable is missing', async () => {
    await expect(applyFixture(conn, TEMPLATE, { variables: { PG_MAJOR: '17' } })).to.be.rejectedWith(
      'fixture text: missing template variable E2E_DEFAULT_STORAGE_CLASS; give it in { variables } or the environment (empty values count as missing)',
    );
  });

  it('names a kind the cluster does not serve', async () => {
    const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    await expect(applyFixture(conn, text)).to.be.rejectedWith(
      'fixture text document 1 (line 1): the cluster does not serve kind Widget in example.com/v1 (is its CRD installed and the apiVersion right?)',
    );
  });
});
