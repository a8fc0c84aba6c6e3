import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { restClient } from '../testing/rest.ts';

// kube-apiserver v1.36.3's answers, recorded by the differential (theme query-params): the options of
// a request are decoded and validated before its body.
describe('query options are checked as kube-apiserver checks them', () => {
  let cluster: Cluster;
  let rest: ReturnType<typeof restClient>;
  const cms = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    cluster = await startCluster({ seed: 3 });
    rest = restClient(cluster);
  });

  after(() => cluster.stop());

  it('refuses a create with dryRun=Yes with 422 on CreateOptions, storing nothing', async () => {
    const answer = await rest('POST', `${cms}?dryRun=Yes`, { metadata: { name: 'dry' } });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"',
    );
    expect((await rest('GET', `${cms}/dry`)).code).to.equal(404);
  });

  it('refuses a fieldManager over 128 bytes with 422 Too long', async () => {
    const answer = await rest('POST', `${cms}?fieldManager=${'a'.repeat(129)}`, {
      metadata: { name: 'long' },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.details).to.deep.equal({
      kind: 'CreateOptions',
      group: 'meta.k8s.io',
      causes: [
        {
          reason: 'FieldValueTooLong',
          message: 'Too long: may not be more than 128 bytes',
          field: 'fieldManager',
        },
      ],
    });
  });

  it('refuses a patch whose fieldManager holds a control character', async () => {
    await rest('POST', cms, { metadata: { name: 'ctl' } });
    const answer = await rest(
      'PATCH',
      `${cms}/ctl?fieldManager=a%07b`,
      { data: { a: '1' } },
      'application/merge-patch+json',
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^PatchOptions\.meta\.k8s\.io "" is invalid: fieldManager: Invalid value: /,
    );
    expect(answer.body.message).to.match(/: invalid character U\+0007 \(at position 1\)$/);
  });

  it('accepts a 128-byte fieldManager', async () => {
    const answer = await rest('POST', `${cms}?fieldManager=${'m'.repeat(128)}`, {
      metadata: { name: 'max' },
    });
    expect(answer.code).to.equal(201);
  });

  it('answers a limit that is not a number with 400 and Go’s parse error', async () => {
    const answer = await rest('GET', `${cms}?limit=ten`);
    expect(answer.code).to.equal(400);
    expect(answer.body).to.deep.include({
      reason: 'BadRequest',
      message: 'strconv.ParseInt: parsing "ten": invalid syntax',
    });
  });
});
