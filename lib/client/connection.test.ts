import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  simOnlyIt,
  startTestCluster,
  type TestCluster,
} from '../controlplane/testing/test-target.ts';
import { type Connection, connect, KubeApiError } from './index.ts';

use(chaiAsPromised);

const podBody = (name: string) => ({
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

describe('connect', () => {
  let cluster: TestCluster;
  let conn: Connection;

  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    cluster = await startTestCluster({ seed: 4, token: true });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
  });

  after(async () => {
    conn.close();
    await cluster.stop();
  });

  it('connects from kubeconfig YAML text and reads the server and default namespace', () => {
    expect(conn.server).to.equal(cluster.url);
    expect(conn.context).to.equal(cluster.context);
    expect(conn.namespace).to.equal('default');
  });

  it('connects from a kubeconfig file path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-'));
    try {
      const path = await cluster.writeKubeconfig(join(dir, 'config'));
      const other = await connect({ kubeconfig: path });
      expect(other.server).to.equal(cluster.url);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('connects from the KUBECONFIG variable when given no options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-'));
    const saved = process.env.KUBECONFIG;
    try {
      process.env.KUBECONFIG = await cluster.writeKubeconfig(join(dir, 'config'));
      const other = await connect();
      expect(other.server).to.equal(cluster.url);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says where it looked when there is no kubeconfig at all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubexpect-home-'));
    const saved = {
      KUBECONFIG: process.env.KUBECONFIG,
      HOME: process.env.HOME,
      SVC: process.env.KUBERNETES_SERVICE_HOST,
    };
    try {
      delete process.env.KUBECONFIG;
      delete process.env.KUBERNETES_SERVICE_HOST;
      process.env.HOME = dir;
      await expect(connect()).to.be.rejectedWith(
        'connect: no kubeconfig found; set KUBECONFIG, create ~/.kube/config, run inside a pod, or pass { kubeconfig }',
      );
    } finally {
      for (const [k, v] of Object.entries({
        KUBECONFIG: saved.KUBECONFIG,
        HOME: saved.HOME,
        KUBERNETES_SERVICE_HOST: saved.SVC,
      })) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a context the kubeconfig does not have, listing the ones it has', async () => {
    await expect(connect({ kubeconfig: cluster.kubeconfig, context: 'prod' })).to.be.rejectedWith(
      `connect: context "prod" is not in the kubeconfig; available: ${cluster.context}`,
    );
  });

  it('rejects a kubeconfig path that does not exist', async () => {
    await expect(connect({ kubeconfig: '/nonexistent/kubeconfig' })).to.be.rejectedWith(
      'connect: kubeconfig file /nonexistent/kubeconfig does not exist',
    );
  });

  it('reads a pod with getPod and treats a missing one as a state with findPod', async () => {
    await conn.core.createNamespacedPod({ namespace: 'default', body: podBody('conn-a') });
    const pod = await conn.getPod('default', 'conn-a');
    expect(pod.metadata?.name).to.equal('conn-a');
    expect(await conn.findPod('default', 'nope')).to.equal(undefined);
  });

  it('fails getPod on a missing pod with a message naming it', async () => {
    await expect(conn.getPod('default', 'nope')).to.be.rejectedWith(
      KubeApiError,
      'get pod default/nope failed: pods "nope" not found',
    );
  });

  simOnlyIt(
    'fails fast on rejected credentials without printing the token',
    'edits the embedded cluster bearer token; lib/client/real-server-errors.real.test.ts checks the real 401',
    async () => {
      const token = cluster.kubeconfig.match(/token: (\S+)/)![1]!;
      const bad = await connect({ kubeconfig: cluster.kubeconfig.replace(token, 'wrong-secret-token') });
      const started = Date.now();
      const err = await bad.getPod('default', 'conn-a').catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(1000);
      expect(err).to.be.instanceOf(KubeApiError);
      expect((err as Error).message).to.equal(
        'get pod default/conn-a failed: the API server did not accept the credentials (401 Unauthorized); refresh the kubeconfig credentials or choose another context',
      );
      expect((err as Error).message).not.to.include('wrong-secret-token');
    },
  );

  it('fails fast with the fields to fix on an invalid object', async () => {
    const err = await conn
      .call('create pod default/bad', () =>
        conn.core.createNamespacedPod({
          namespace: 'default',
          body: { metadata: { name: 'bad' }, spec: { containers: [] } },
        }),
      )
      .catch((e: unknown) => e);
    expect((err as KubeApiError).status).to.equal(422);
    expect((err as Error).message).to.match(
      /^create pod default\/bad failed: the object is invalid \(422 Invalid\): .*spec\.containers.*; fix the fields named above$/,
    );
  });

  it('closes everything it tracks when the connection closes', async () => {
    const other = await connect({ kubeconfig: cluster.kubeconfig });
    let closed = 0;
    other.track({ close: () => closed++ });
    other.track({ close: () => closed++ });
    other.close();
    expect(closed).to.equal(2);
    expect(other.openCount).to.equal(0);
  });
});
