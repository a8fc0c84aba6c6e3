/**
 * Pod spec validation, QoS class and warnings, with the texts kube-apiserver v1.36.3 answers
 * (measured by bench/differential/corpus/pods.yaml and validation.yaml).
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { authHeader, type RestAnswer, restClient } from '../testing/rest.ts';

const PODS = '/api/v1/namespaces/default/pods';
const container = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'nginx', ...extra });
const pod = (name: string, spec: Record<string, unknown>) => ({
  metadata: { name },
  spec: { nodeSelector: { nowhere: 'true' }, ...spec },
});

describe('pod spec validation, QoS class and warnings', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;

  before(async () => {
    cluster = await startCluster({ seed: 7 });
    call = restClient(cluster);
  });
  after(() => cluster.stop());

  const refusal = async (name: string, spec: Record<string, unknown>) => {
    const answer = await call('POST', PODS, pod(name, spec));
    expect(answer.code, JSON.stringify(answer.body)).to.equal(422);
    return answer.body.message as string;
  };

  it('refuses a container name that is not an RFC 1123 label', async () => {
    expect(await refusal('bad-name', { containers: [container({ name: 'Bad_C' })] })).to.equal(
      `Pod "bad-name" is invalid: spec.containers[0].name: Invalid value: "Bad_C": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
  });

  it('refuses container names used twice, across containers and init containers', async () => {
    expect(await refusal('twice', { containers: [container(), container({ image: 'redis' })] })).to.equal(
      'Pod "twice" is invalid: spec.containers[1].name: Duplicate value: "c"',
    );
    expect(
      await refusal('init-twice', { initContainers: [container()], containers: [container()] }),
    ).to.equal('Pod "init-twice" is invalid: spec.initContainers[0].name: Duplicate value: "c"');
  });

  it('refuses a container port outside 1-65535', async () => {
    expect(
      await refusal('port', { containers: [container({ ports: [{ containerPort: 70000 }] })] }),
    ).to.equal(
      'Pod "port" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
  });

  it('names the supported restart policies in their order', async () => {
    expect(await refusal('policy', { restartPolicy: 'Sometimes', containers: [container()] })).to.equal(
      'Pod "policy" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    );
  });

  it('refuses requests above limits and negative requests', async () => {
    const above = container({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } });
    expect(await refusal('above', { containers: [above] })).to.equal(
      'Pod "above" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
    const negative = container({ resources: { requests: { cpu: '-1' } } });
    expect(await refusal('negative', { containers: [negative] })).to.equal(
      'Pod "negative" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    );
  });

  it('answers a malformed quantity with the decoder 400', async () => {
    const answer = await call(
      'POST',
      PODS,
      pod('lots', { containers: [container({ resources: { requests: { memory: 'lots' } } })] }),
    );
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      `Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  });

  it('stores quantities in canonical form and defaults requests from limits', async () => {
    const answer = await call(
      'POST',
      PODS,
      pod('canonical', {
        containers: [
          container({ resources: { requests: { cpu: '0.5' }, limits: { cpu: '0.5', memory: '1024Mi' } } }),
        ],
      }),
    );
    expect(answer.code).to.equal(201);
    expect(answer.body.spec.containers[0].resources).to.deep.equal({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
  });

  it('computes the QoS class from cpu and memory requests and limits', async () => {
    const qos = async (name: string, containers: unknown[]) =>
      (await call('POST', PODS, pod(name, { containers }))).body.status.qosClass;
    expect(
      await qos('guaranteed', [container({ resources: { limits: { cpu: '1', memory: '1Gi' } } })]),
    ).to.equal('Guaranteed');
    expect(await qos('burstable', [container({ resources: { requests: { cpu: '100m' } } })])).to.equal(
      'Burstable',
    );
    expect(
      await qos('only-storage', [container({ resources: { requests: { 'ephemeral-storage': '1Gi' } } })]),
    ).to.equal('BestEffort');
  });

  it('warns about fractional byte values', async () => {
    const res = await fetch(`${cluster.url}${PODS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(cluster) },
      body: JSON.stringify(
        pod('fraction', { containers: [container({ resources: { limits: { memory: '0.5' } } })] }),
      ),
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('warning')).to.include(
      'spec.containers[0].resources.limits[memory]: fractional byte value \\"500m\\" is invalid, must be an integer',
    );
  });
});
