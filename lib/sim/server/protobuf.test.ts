/**
 * Protobuf bodies for every built-in kind, read and written from the real generated.proto files
 * (k8s.io/api v0.36.3), with the `k8s\0` runtime.Unknown envelope, as kube-apiserver does.
 * kubectl 1.35's typed clients (create job|serviceaccount|pdb|service, drain --disable-eviction)
 * send protobuf and never fall back to JSON.
 */
import { readFile } from 'node:fs/promises';
import type * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor } from '../testing/clients.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { authHeader } from '../testing/rest.ts';
import { decodeProtobufBody, encodeProtobuf, PROTOBUF_CONTENT_TYPE } from './protobuf.ts';

const roundTrip = (object: Record<string, unknown>) => decodeProtobufBody(encodeProtobuf(object)!);

describe('protobuf encoding from the real definitions', () => {
  it('round-trips a pod with times, quantities, int-or-strings, inline volume sources and byte maps', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-0',
        namespace: 'default',
        labels: { app: 'web' },
        creationTimestamp: '2026-01-02T03:04:05Z',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true },
        ],
      },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: { requests: { cpu: '250m', memory: '64Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' } },
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }],
        automountServiceAccountToken: false,
      },
    };
    expect(roundTrip(pod)).to.deep.equal(pod);
  });

  it('keeps an explicit zero where the field is a pointer (replicas: 0), and a secret byte map', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: {}, spec: { containers: [] } },
      },
    };
    expect((roundTrip(deployment).spec as { replicas: number }).replicas).to.equal(0);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { k: 'dmFsdWU=' },
      type: 'Opaque',
    };
    expect(roundTrip(secret)).to.deep.equal(secret);
  });

  it('round-trips DeleteOptions and a CRD schema with $ref-style names and x-kubernetes extensions', () => {
    const options = {
      apiVersion: 'meta.k8s.io/v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u1' },
      propagationPolicy: 'Foreground',
    };
    expect(roundTrip(options)).to.deep.equal(options);
    const schema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        size: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' } },
      },
    };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'things', kind: 'Thing' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      },
    };
    expect(roundTrip(crd)).to.deep.equal(crd);
  });

  it('refuses a kind without protobuf (a custom resource) with 415, as the real server', () => {
    const field = (n: number, bytes: Buffer) =>
      Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
    const typeMeta = Buffer.concat([field(1, Buffer.from('example.com/v1')), field(2, Buffer.from('Thing'))]);
    const body = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      field(1, typeMeta),
      field(2, Buffer.from('{}')),
    ]);
    expect(() => decodeProtobufBody(body))
      .to.throw()
      .that.deep.includes({ code: 415, reason: 'UnsupportedMediaType' });
    expect(encodeProtobuf({ apiVersion: 'example.com/v1', kind: 'Thing' })).to.equal(undefined);
  });
});

describe('the vendored protobuf definitions', () => {
  it('compile to the descriptor the server loads (regenerate it with scripts/vendor-k8s-proto-descriptor.mjs)', async () => {
    const script = new URL('../../../scripts/vendor-k8s-proto-descriptor.mjs', import.meta.url);
    const { compile } = await import(script.href);
    const shipped = JSON.parse(
      await readFile(new URL('../data/proto/descriptor.json', import.meta.url), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(compile()))).to.deep.equal(shipped);
  });
});

describe('protobuf over HTTP', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let kubectl: KubectlSession;

  before(async function () {
    this.timeout(120_000);
    cluster = await startCluster({ seed: 51, preset: 'kind', timeScale: 0.05 });
    core = clientsFor(cluster).core;
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  it('answers in protobuf when the client asks for it first, and in JSON otherwise', async () => {
    const url = `${cluster.url}/api/v1/namespaces/default`;
    const proto = await fetch(url, {
      headers: { ...authHeader(cluster), accept: `${PROTOBUF_CONTENT_TYPE}, application/json` },
    });
    expect(proto.headers.get('content-type')).to.equal(PROTOBUF_CONTENT_TYPE);
    const decoded = decodeProtobufBody(Buffer.from(await proto.arrayBuffer()));
    const json = await (await fetch(url, { headers: authHeader(cluster) })).json();
    expect(decoded).to.deep.equal(json);
    const list = await fetch(`${cluster.url}/api/v1/namespaces`, {
      headers: { ...authHeader(cluster), accept: PROTOBUF_CONTENT_TYPE },
    });
    const decodedList = decodeProtobufBody(Buffer.from(await list.arrayBuffer()));
    expect(decodedList.kind).to.equal('NamespaceList');
    expect((decodedList.items as { metadata: { name: string } }[]).map((n) => n.metadata.name)).to.include(
      'default',
    );
  });

  it('reads a protobuf DeleteOptions body on DELETE (its preconditions count)', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'guarded' } },
    });
    const del = (uid: string) =>
      fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/guarded`, {
        method: 'DELETE',
        headers: { ...authHeader(cluster), 'content-type': PROTOBUF_CONTENT_TYPE },
        body: encodeProtobuf({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', preconditions: { uid } }),
      });
    const refused = await del('not-the-uid');
    expect(refused.status).to.equal(409);
    expect(((await refused.json()) as { message: string }).message).to.contain(
      'the UID in the precondition (not-the-uid) does not match the UID in record',
    );
    expect((await del(cm.metadata!.uid!)).status).to.equal(200);
  });

  it('serves kubectl create job, serviceaccount, pdb and service, which send protobuf', async () => {
    for (const args of [
      ['create', 'job', 'pb-job', '--image=busybox:1.36'],
      ['create', 'serviceaccount', 'pb-sa'],
      ['create', 'poddisruptionbudget', 'pb-pdb', '--selector=app=pb', '--min-available=1'],
      ['create', 'service', 'clusterip', 'pb-svc', '--tcp=80:8080'],
      ['create', 'deployment', 'pb-zero', '--image=nginx', '--replicas=0'],
    ]) {
      const r = await kubectl.run(args);
      expect(r.stderr, args.join(' ')).to.equal('');
      expect(r.code, args.join(' ')).to.equal(0);
    }
    const job = await clientsFor(cluster).batch.readNamespacedJob({ namespace: 'default', name: 'pb-job' });
    expect(job.spec?.template.spec?.containers[0]?.image).to.equal('busybox:1.36');
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'pb-svc' });
    expect(svc.spec?.ports?.[0]).to.deep.include({ port: 80, targetPort: 8080, name: '80-8080' });
    const pdb = await clientsFor(cluster).policy.readNamespacedPodDisruptionBudget({
      namespace: 'default',
      name: 'pb-pdb',
    });
    expect(pdb.spec?.minAvailable).to.equal(1);
    const deploy = await clientsFor(cluster).apps.readNamespacedDeployment({
      namespace: 'default',
      name: 'pb-zero',
    });
    expect(deploy.spec?.replicas).to.equal(0);
  });

  it('serves kubectl drain --disable-eviction, which deletes pods with protobuf DeleteOptions', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'pinned' },
        spec: {
          nodeName: 'kind-worker2',
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'c', image: 'nginx' }],
        },
      },
    });
    const r = await kubectl.run([
      'drain',
      'kind-worker2',
      '--disable-eviction',
      '--ignore-daemonsets',
      '--force',
      '--timeout=60s',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('pod/pinned deleted');
    expect(r.stdout).to.contain('node/kind-worker2 drained');
  });
});
