import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// The answers below are kube-apiserver v1.36.3's, recorded by the differential (theme deletes).
describe('DELETE answers as kube-apiserver does', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  let n = 0;
  const cms = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    cluster = await startCluster({ seed: 7 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  async function configMap(): Promise<{ name: string; uid: string; resourceVersion: string }> {
    const name = `del-${++n}`;
    const made = await rest('POST', cms, { metadata: { name } });
    expect(made.code).to.equal(201);
    return { name, uid: made.body.metadata.uid, resourceVersion: made.body.metadata.resourceVersion };
  }

  it('names the kind in a uid precondition conflict', async () => {
    const { name, uid } = await configMap();
    const other = '00000000-0000-0000-0000-000000000000';
    const answer = await rest('DELETE', `${cms}/${name}`, { preconditions: { uid: other } });
    expect(answer.code).to.equal(409);
    expect(answer.body.details).to.deep.equal({ name, kind: 'ConfigMap' });
    expect(answer.body.message).to.equal(
      `Operation cannot be fulfilled on ConfigMap "${name}": the UID in the precondition (${other}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
    );
  });

  it('names the kind in a resourceVersion precondition conflict', async () => {
    const { name, resourceVersion } = await configMap();
    await rest('PATCH', `${cms}/${name}`, { data: { a: '1' } }, 'application/merge-patch+json');
    const answer = await rest('DELETE', `${cms}/${name}`, { preconditions: { resourceVersion } });
    expect(answer.code).to.equal(409);
    expect(answer.body.message).to.match(
      new RegExp(
        `^Operation cannot be fulfilled on ConfigMap "${name}": the ResourceVersion in the precondition \\(${resourceVersion}\\) does not match the ResourceVersion in record \\(\\d+\\)\\. The object might have been modified$`,
      ),
    );
  });

  it('reads a negative grace period as 1 s: a ConfigMap goes at once', async () => {
    const { name } = await configMap();
    const answer = await rest('DELETE', `${cms}/${name}`, { gracePeriodSeconds: -5 });
    expect(answer.code).to.equal(200);
    expect((await rest('GET', `${cms}/${name}`)).code).to.equal(404);
  });

  it('answers a dry-run delete with the Success Status a real delete gets, and keeps the object', async () => {
    const { name, uid } = await configMap();
    const answer = await rest('DELETE', `${cms}/${name}?dryRun=All`);
    expect(answer.code).to.equal(200);
    expect(answer.body).to.deep.include({
      kind: 'Status',
      status: 'Success',
      details: { name, kind: 'configmaps', uid },
    });
    expect((await rest('GET', `${cms}/${name}`)).code).to.equal(200);
  });

  it('reads a JSON null body as empty options', async () => {
    const { name } = await configMap();
    const answer = await rest('DELETE', `${cms}/${name}`, 'null');
    expect(answer.code).to.equal(200);
    expect(answer.body.status).to.equal('Success');
  });

  it('refuses a dryRun other than All with 422 on DeleteOptions', async () => {
    const { name } = await configMap();
    const answer = await rest('DELETE', `${cms}/${name}?dryRun=Everything`);
    expect(answer.code).to.equal(422);
    expect(answer.body.details).to.deep.equal({
      kind: 'DeleteOptions',
      group: 'meta.k8s.io',
      causes: [
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: ["Everything"]: supported values: "All"',
          field: 'dryRun',
        },
      ],
    });
    expect((await rest('GET', `${cms}/${name}`)).code).to.equal(200);
  });

  it('answers a Service delete with the Service, as its registry returns the deleted object', async () => {
    const svc = '/api/v1/namespaces/default/services';
    expect(
      (await rest('POST', svc, { metadata: { name: 'del-svc' }, spec: { ports: [{ port: 80 }] } })).code,
    ).to.equal(201);
    const answer = await rest('DELETE', `${svc}/del-svc`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Background',
    });
    expect(answer.code).to.equal(200);
    expect(answer.body.kind).to.equal('Service');
    expect(answer.body.metadata.name).to.equal('del-svc');
  });
});
