import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers (differential rbac/service-account-token-request, and kubectl
// create token against a real control plane).
describe('serviceaccounts/token (kubectl create token)', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  let kubectl: KubectlSession;
  const sas = '/api/v1/namespaces/default/serviceaccounts';

  before(async () => {
    cluster = await startCluster({ seed: 31 });
    rest = restClient(cluster);
    kubectl = await kubectlSession(cluster, 60_000);
    await rest('POST', sas, { metadata: { name: 'robot' } });
  });

  after(async () => {
    await kubectl?.close();
    await cluster?.stop();
  });

  function claims(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  }

  it('answers a TokenRequest with a token carrying the real claims', async () => {
    const account = await rest('GET', `${sas}/robot`);
    const answer = await rest('POST', `${sas}/robot/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    expect(answer.code).to.equal(201);
    expect(answer.body).to.deep.include({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1' });
    expect(answer.body.spec).to.deep.equal({
      audiences: ['https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: 3600,
      boundObjectRef: null,
    });
    const c = claims(answer.body.status.token);
    expect(c).to.deep.include({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:default:robot',
      'kubernetes.io': {
        namespace: 'default',
        serviceaccount: { name: 'robot', uid: account.body.metadata.uid },
      },
    });
    expect((c.exp as number) - (c.iat as number)).to.equal(3600);
  });

  it('refuses a lifetime under 10 minutes with 422, and an unknown account with 404', async () => {
    const short = await rest('POST', `${sas}/robot/token`, { spec: { expirationSeconds: 60 } });
    expect(short.code).to.equal(422);
    expect(short.body.details.causes[0]).to.deep.include({
      field: 'spec.expirationSeconds',
      message: 'Invalid value: 60: may not specify a duration less than 10 minutes',
    });
    const ghost = await rest('POST', `${sas}/ghost/token`, { spec: {} });
    expect(ghost.code).to.equal(404);
    expect(ghost.body.message).to.equal('serviceaccounts "ghost" not found');
  });

  it('lets kubectl create token print one', async () => {
    const r = await kubectl.run(['create', 'token', 'robot', '-n', 'default', '--duration=1h']);
    expect(r.code, r.stderr).to.equal(0);
    expect(claims(r.stdout.trim()).sub).to.equal('system:serviceaccount:default:robot');
  });
});
