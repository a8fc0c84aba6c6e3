/**
 * Defaults, update rules and admission of the kinds specs touch, with the answers of kube-apiserver
 * v1.36 (k8s.io/kubernetes@v1.36.3: pkg/apis/core/v1/defaults.go, pkg/apis/core/validation
 * ValidatePodUpdate / ValidateConfigMapUpdate / ValidateSecretUpdate, pkg/apis/batch/validation,
 * plugin/pkg/admission/serviceaccount) and of kube-controller-manager (serviceaccount controller,
 * root-ca-cert-publisher) and the kubelet (CreateContainerConfigError).
 */
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type RestAnswer, restClient } from '../testing/rest.ts';
import { until } from '../testing/clients.ts';

type Call = (method: string, path: string, body?: unknown, contentType?: string) => Promise<RestAnswer>;

const PODS = '/api/v1/namespaces/default/pods';
const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
});

describe('pods, ConfigMaps, Secrets and Jobs on a bare API server', () => {
  let cluster: Cluster;
  let call: Call;

  before(async () => {
    cluster = await startCluster({ seed: 41 });
    call = restClient(cluster);
  });
  after(() => cluster.stop());

  it('gives a new pod the API defaults and the admission defaults', async () => {
    const created = await call('POST', PODS, {
      metadata: { name: 'defaults' },
      spec: {
        containers: [
          { name: 'tagged', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
          { name: 'untagged', image: 'nginx' },
          { name: 'latest', image: 'registry.k8s.io/pause:latest' },
        ],
      },
    });
    expect(created.code).to.equal(201);
    const spec = created.body.spec;
    expect(spec.containers.map((c: { imagePullPolicy: string }) => c.imagePullPolicy)).to.deep.equal([
      'IfNotPresent',
      'Always',
      'Always',
    ]);
    expect(spec.containers[0]).to.include({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
    expect(spec.containers[0].ports).to.deep.equal([{ containerPort: 80, protocol: 'TCP' }]);
    expect(spec).to.include({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      terminationGracePeriodSeconds: 30,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    expect(spec.securityContext).to.deep.equal({});
    expect(spec.tolerations).to.deep.equal([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
  });

  it('refuses a pod update outside the mutable fields with the real 422', async () => {
    await call('POST', PODS, pod('immutable'));
    const answer = await call(
      'PATCH',
      `${PODS}/immutable`,
      { spec: { restartPolicy: 'Never' } },
      'application/merge-patch+json',
    );
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.match(
      /^Pod "immutable" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
    );
    expect(answer.body.message).to.include('restartPolicy: "Never"');
  });

  it('refuses adding a container and changing env, and accepts a new image', async () => {
    await call('POST', PODS, pod('grow'));
    const added = await call(
      'PATCH',
      `${PODS}/grow`,
      { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(added.code).to.equal(422);
    expect(added.body.message).to.equal(
      'Pod "grow" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers',
    );
    const env = await call(
      'PATCH',
      `${PODS}/grow`,
      { spec: { containers: [{ name: 'app', env: [{ name: 'A', value: '1' }] }] } },
      'application/strategic-merge-patch+json',
    );
    expect(env.code).to.equal(422);
    expect(env.body.message).to.include('pod updates may not change fields other than');
    const image = await call(
      'PATCH',
      `${PODS}/grow`,
      { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(image.code).to.equal(200);
    expect(image.body.spec.containers[0].image).to.equal('nginx:1.28');
  });

  it('keeps the data of an immutable ConfigMap and Secret', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'frozen' },
      immutable: true,
      data: { a: '1' },
    });
    const cm = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/frozen',
      { data: { a: '2' } },
      'application/merge-patch+json',
    );
    expect(cm.code).to.equal(422);
    expect(cm.body.message).to.equal(
      'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
    const unset = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/frozen',
      { immutable: false },
      'application/merge-patch+json',
    );
    expect(unset.body.message).to.equal(
      'ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set',
    );
    await call('POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'frozen' },
      immutable: true,
      stringData: { a: '1' },
    });
    const secret = await call(
      'PATCH',
      '/api/v1/namespaces/default/secrets/frozen',
      { stringData: { a: '2' } },
      'application/merge-patch+json',
    );
    expect(secret.body.message).to.equal(
      'Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
  });

  it('refuses a Job whose name cannot be the value of its job-name label', async () => {
    const name = 'j'.repeat(64);
    const answer = await call('POST', '/apis/batch/v1/namespaces/default/jobs', {
      metadata: { name },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox' }] } },
      },
    });
    expect(answer.code).to.equal(422);
    expect(answer.body.message).to.equal(
      `Job.batch "${name}" is invalid: spec.template.labels: Invalid value: "${name}": must be no more than 63 characters`,
    );
  });
});

describe('service accounts and container configuration in a preset cluster', () => {
  let cluster: Cluster;
  let call: Call;

  before(async () => {
    cluster = await startCluster({ preset: 'kind', timeScale: 0.01, seed: 42 });
    call = restClient(cluster);
  });
  after(() => cluster.stop());

  it('gives every namespace its default ServiceAccount and kube-root-ca.crt', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'fresh' } });
    const sa = await until(
      'the default ServiceAccount',
      async () => {
        const answer = await call('GET', '/api/v1/namespaces/fresh/serviceaccounts/default');
        return answer.code === 200 && answer;
      },
      15_000,
    );
    expect(sa.body.metadata.name).to.equal('default');
    const ca = await call('GET', '/api/v1/namespaces/fresh/configmaps/kube-root-ca.crt');
    expect(ca.code).to.equal(200);
    expect(ca.body.data['ca.crt']).to.match(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('refuses a pod naming a ServiceAccount that does not exist with 403', async () => {
    const answer = await call('POST', PODS, pod('no-sa', { serviceAccountName: 'missing' }));
    expect(answer.code).to.equal(403);
    expect(answer.body.reason).to.equal('Forbidden');
    expect(answer.body.message).to.equal(
      'pods "no-sa" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found',
    );
  });

  it('mounts the ServiceAccount token volume in every container unless automount is off', async () => {
    const created = await call(
      'POST',
      PODS,
      pod('token', { initContainers: [{ name: 'init', image: 'busybox' }] }),
    );
    expect(created.code).to.equal(201);
    const spec = created.body.spec;
    expect(spec.volumes).to.have.length(1);
    const volume = spec.volumes[0];
    expect(volume.name).to.match(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected).to.deep.equal({
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    });
    const mount = {
      name: volume.name,
      readOnly: true,
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    };
    expect(spec.initContainers[0].volumeMounts).to.deep.equal([mount]);
    expect(spec.containers[0].volumeMounts).to.deep.equal([mount]);

    const off = await call('POST', PODS, pod('no-token', { automountServiceAccountToken: false }));
    expect(off.body.spec.volumes).to.equal(undefined);
    expect(off.body.spec.containers[0].volumeMounts).to.equal(undefined);

    await call('POST', '/api/v1/namespaces/default/serviceaccounts', {
      metadata: { name: 'quiet' },
      automountServiceAccountToken: false,
    });
    const quiet = await call('POST', PODS, pod('quiet-account', { serviceAccountName: 'quiet' }));
    expect(quiet.body.spec.volumes).to.equal(undefined);
    const overridden = await call(
      'POST',
      PODS,
      pod('pod-wins', { serviceAccountName: 'quiet', automountServiceAccountToken: true }),
    );
    expect(overridden.body.spec.volumes).to.have.length(1);
  });

  it('keeps a container waiting with CreateContainerConfigError while its ConfigMap is missing', async () => {
    await call(
      'POST',
      PODS,
      pod('needs-config', {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'level' } } }],
          },
        ],
      }),
    );
    const waiting = await until(
      'CreateContainerConfigError',
      async () => {
        const answer = await call('GET', `${PODS}/needs-config`);
        const state = answer.body.status?.containerStatuses?.[0]?.state?.waiting;
        return state?.reason === 'CreateContainerConfigError' && answer.body;
      },
      15_000,
    );
    expect(waiting.status.phase).to.equal('Pending');
    expect(waiting.status.containerStatuses[0].state.waiting.message).to.equal(
      'configmap "app-config" not found',
    );
    await call('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'app-config' },
      data: { level: 'debug' },
    });
    await until(
      'the pod Running once its ConfigMap exists',
      async () => {
        const answer = await call('GET', `${PODS}/needs-config`);
        return answer.body.status?.phase === 'Running';
      },
      15_000,
    );
  });
});
