/**
 * What only a real API server shows about credentials: RBAC's 403 for a user with no bindings, and
 * the 401 for a client certificate signed by a CA the server does not trust.
 */
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { eventuallyPod } from '../index.ts';
import { realOnlyDescribe, startTestCluster, type TestCluster } from '../controlplane/testing/test-target.ts';
import { connect } from './index.ts';

const passed = (): Error => {
  throw new Error('expected the assertion to fail, but it passed');
};

realOnlyDescribe('a real API server refusing a client', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it("fails at once with RBAC's 403 for a user without bindings, saying what to grant", async () => {
    const plane = cluster.plane!;
    const nobody = await connect({ kubeconfig: await plane.kubeconfigFor('kubexpect-nobody') });
    try {
      const started = Date.now();
      const err = await eventuallyPod(nobody, 'default', 'x', { timeout: '1m' })
        .toBeReady()
        .then(passed, (e: unknown) => e as Error);
      expect(Date.now() - started).to.be.below(20_000);
      expect(err.message).to.match(/^Cannot observe pod default\/x/);
      expect(err.message).to.include(
        'permission denied (403 Forbidden): pods is forbidden: User "kubexpect-nobody" cannot list resource "pods" in API group "" in the namespace "default"',
      );
      expect(err.message).to.include('grant this verb and resource to the user or service account (RBAC)');
    } finally {
      nobody.close();
    }
  });

  it('fails at once with 401 for a certificate from a CA the server does not trust, without printing the key', async () => {
    const plane = cluster.plane!;
    // Another control plane's CA signs this user; the server trusts only its own.
    const { createCertificateAuthority } = await import('../controlplane/testing/foreign-ca.ts');
    const stranger = createCertificateAuthority('a-stranger-ca').client('kubexpect-admin', [
      'system:masters',
    ]);
    const config = parse(await readFile(plane.kubeconfig, 'utf8')) as {
      users: { user: Record<string, string> }[];
    };
    const user = config.users[0]!.user;
    user['client-certificate-data'] = Buffer.from(stranger.cert).toString('base64');
    user['client-key-data'] = Buffer.from(stranger.key).toString('base64');
    const bad = await connect({ kubeconfig: stringify(config) });
    try {
      const err = await eventuallyPod(bad, 'default', 'x', { timeout: '1m' })
        .toBeReady()
        .then(passed, (e: unknown) => e as Error);
      expect(err.message).to.include('the API server did not accept the credentials (401 Unauthorized)');
      expect(err.message).not.to.include(user['client-key-data']!.slice(0, 40));
    } finally {
      bad.close();
    }
  });
});
