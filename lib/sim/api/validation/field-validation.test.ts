/**
 * Built-in objects are decoded as kube-apiserver decodes them. The answers asserted here are the real
 * server's: strict field validation (KEP-2885, GA in 1.27; apiserver pkg/endpoints/handlers/rest.go
 * `fieldValidation`: absent means Warn, kubectl sends Strict) answers an unknown field with
 * 400 `… cannot be handled as a Pod: strict decoding error: unknown field "spec.restartPolicyy"`, Warn
 * drops it and sends `Warning: 299 - "unknown field \"spec.restartPolicyy\""`; a field of the wrong
 * JSON type is Go's encoding/json UnmarshalTypeError whatever the directive.
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../../cluster.ts';
import { kubectlSession, type KubectlSession } from '../../testing/kubectl-session.ts';
import { authHeader } from '../../testing/rest.ts';

const POD_WITH_TYPO = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'typo' },
  spec: { restartPolicyy: 'Never', containers: [{ name: 'app', image: 'nginx:1.27' }] },
};

describe('field validation of built-in kinds', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${cluster.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(cluster) },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    return { code: res.status, warning: res.headers.get('warning'), body: (await res.json()) as any };
  };

  before(async () => {
    cluster = await startCluster({ seed: 31 });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('refuses an unknown field with 400 under fieldValidation=Strict', async () => {
    const answer = await post('/api/v1/namespaces/default/pods?fieldValidation=Strict', POD_WITH_TYPO);
    expect(answer.code).to.equal(400);
    expect(answer.body.reason).to.equal('BadRequest');
    expect(answer.body.message).to.equal(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.restartPolicyy"',
    );
  });

  it('stores the object without the unknown field and warns by default (Warn)', async () => {
    const answer = await post('/api/v1/namespaces/default/pods', {
      ...POD_WITH_TYPO,
      metadata: { name: 'warned' },
    });
    expect(answer.code).to.equal(201);
    expect(answer.warning).to.equal('299 - "unknown field \\"spec.restartPolicyy\\""');
    expect(answer.body.spec).to.not.have.property('restartPolicyy');
    expect(answer.body.spec.restartPolicy).to.equal('Always');
  });

  it('drops the unknown field silently under fieldValidation=Ignore', async () => {
    const answer = await post('/api/v1/namespaces/default/pods?fieldValidation=Ignore', {
      ...POD_WITH_TYPO,
      metadata: { name: 'ignored' },
    });
    expect(answer.code).to.equal(201);
    expect(answer.warning).to.equal(null);
    expect(answer.body.spec).to.not.have.property('restartPolicyy');
  });

  it('names every unknown field with its index, in the order of the document', async () => {
    const answer = await post('/api/v1/namespaces/default/pods?fieldValidation=Strict', {
      metadata: { name: 'two' },
      spec: {
        containers: [{ name: 'app', image: 'nginx', imagePullPolcy: 'Always' }],
        restartPolicyy: 'Never',
      },
    });
    expect(answer.body.message).to.equal(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolcy", unknown field "spec.restartPolicyy"',
    );
  });

  it('answers a wrongly typed field with the decoder error whatever the directive', async () => {
    for (const directive of ['Strict', 'Warn', 'Ignore']) {
      const answer = await post(`/api/v1/namespaces/default/pods?fieldValidation=${directive}`, {
        metadata: { name: `port-${directive.toLowerCase()}` },
        spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 'eighty' }] }] },
      });
      expect(answer.code, directive).to.equal(400);
      expect(answer.body.message).to.equal(
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      );
    }
  });

  it('answers an unsupported fieldValidation value with 422 on the request options', async () => {
    const answer = await post('/api/v1/namespaces/default/pods?fieldValidation=strict', POD_WITH_TYPO);
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });

  it('makes kubectl create fail on a typo, as it does against a real cluster (kubectl sends Strict)', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${kubectl.dir}/typo.yaml`;
    await writeFile(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kubectl-typo\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolcy: Always\n',
    );
    const run = await kubectl.run(['create', '-f', file]);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.equal(
      `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolcy"`,
    );
  });

  // Server-side apply types the configuration first; an undeclared field fails whatever the directive,
  // with structured-merge-diff's text and a 500 without a reason in v1.36 (kubernetes#139253).
  it('fails kubectl apply --server-side on a typo with the typed patch error', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = `${kubectl.dir}/ssa-typo.yaml`;
    await writeFile(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssa-typo\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    imagePullPolcy: Always\n',
    );
    const run = await kubectl.run(['apply', '--server-side', '-f', file]);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.equal(
      'Error from server: failed to create typed patch object (default/ssa-typo; /v1, Kind=Pod): .spec.containers[name="app"].imagePullPolcy: field not declared in schema',
    );
  });

  it('decodes the quantities of an applied configuration, on create and on update', async () => {
    const apply = async (cpu: string) => {
      const res = await fetch(
        `${cluster.url}/api/v1/namespaces/default/resourcequotas/ssa-quota?fieldManager=kubectl`,
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/apply-patch+yaml', ...authHeader(cluster) },
          body: JSON.stringify({
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'ssa-quota' },
            spec: { hard: { 'requests.cpu': cpu } },
          }),
        },
      );
      // biome-ignore lint/suspicious/noExplicitAny: read field by field
      return { code: res.status, body: (await res.json()) as any };
    };
    expect((await apply('0.5')).body.spec.hard).to.deep.equal({ 'requests.cpu': '500m' });
    expect((await apply('1.5')).body.spec.hard).to.deep.equal({ 'requests.cpu': '1500m' });
    const bad = await apply('lots');
    expect(bad.code).to.equal(500);
    expect(bad.body.message).to.equal(
      "failed to convert new object (/ssa-quota; /v1, Kind=ResourceQuota) to proper version: unable to convert unstructured object to /v1, Kind=ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  it('serves the v2 schemas too, for kubectl explain --output=plaintext-openapiv2', async () => {
    const run = await kubectl.run(['explain', 'pods.spec.restartPolicy', '--output=plaintext-openapiv2']);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.include('FIELD:    restartPolicy <string>');
  });

  it('serves the real schemas, so kubectl explain describes pod.spec', async () => {
    const run = await kubectl.run(['explain', 'pod.spec.restartPolicy']);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.include('FIELD: restartPolicy <string>');
    expect(run.stdout).to.include('Restart policy for all containers within the pod.');
  });
});
