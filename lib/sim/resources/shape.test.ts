import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';

const COLLECTIONS = [
  '/api/v1/namespaces/default/pods',
  '/api/v1/namespaces/default/persistentvolumeclaims',
  '/api/v1/persistentvolumes',
  '/api/v1/namespaces/default/services',
  '/api/v1/namespaces/default/endpoints',
  '/api/v1/namespaces/default/secrets',
  '/api/v1/namespaces/default/events',
  '/apis/batch/v1/namespaces/default/jobs',
  '/apis/apps/v1/namespaces/default/daemonsets',
  '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
  '/apis/storage.k8s.io/v1/storageclasses',
  '/apis/storage.k8s.io/v1/csidrivers',
  '/apis/storage.k8s.io/v1/csinodes',
  '/apis/storage.k8s.io/v1/volumeattachments',
  '/apis/coordination.k8s.io/v1/namespaces/default/leases',
  '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
];

const WRONG_VALUES: unknown[] = [
  'x',
  5,
  true,
  [1],
  { ports: 'x', template: 'y', selector: 'z', versions: 'v' },
];
const FIELDS = ['spec', 'status', 'data', 'subsets', 'involvedObject', 'parameters', 'provisioner'];

describe('wrongly typed fields', () => {
  let cluster: Cluster;
  let call: (method: string, path: string, body?: unknown) => Promise<RestAnswer>;

  before(async () => {
    cluster = await startCluster({ seed: 23 });
    call = restClient(cluster);
  });
  after(() => cluster.stop());

  // encoding/json's UnmarshalTypeError names the innermost struct (ServicePort) and the Go type of the
  // field (k8s.io/api core/v1 ServicePort.Port is an int32), as kube-apiserver answers it.
  it('answers the real decode error naming the field and its expected type', async () => {
    const answer = await call('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'db' },
      spec: { ports: [{ port: '5432' }] },
    });
    expect(answer.code).to.equal(400);
    expect(answer.body.message).to.equal(
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32',
    );
  });

  it('never answers 500 for any kind, whatever type a top-level field has', async function () {
    // Hundreds of requests: seconds when idle, minutes on a busy machine.
    this.timeout(300_000);
    const failures: string[] = [];
    let n = 0;
    for (const path of COLLECTIONS) {
      for (const field of FIELDS) {
        for (const value of WRONG_VALUES) {
          const answer = await call('POST', path, { metadata: { name: `x${n++}` }, [field]: value });
          if (answer.code >= 500) failures.push(`${path} ${field}=${JSON.stringify(value)}: ${answer.code}`);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
