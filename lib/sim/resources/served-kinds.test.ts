/**
 * Kinds the embedded cluster serves without a controller acting on them (RBAC, access reviews,
 * webhook configurations, quotas, limit ranges, priority classes, network policies, ingresses) and
 * the EndpointSlices kept with Endpoints: applied and read back with kubectl v1.35 over HTTP.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { until } from '../testing/clients.ts';
import { authHeader } from '../testing/rest.ts';
import { stopWithoutControllerErrors } from '../testing/own-errors.ts';

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: robot, namespace: default}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
subjects: [{kind: ServiceAccount, name: operator, namespace: cnpg-system}]
roleRef: {kind: ClusterRole, name: operator, apiGroup: rbac.authorization.k8s.io}
`;

const POLICY = `apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec: {hard: {pods: "10", requests.cpu: "4", limits.memory: 8Gi}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec: {limits: [{type: Container, default: {cpu: 500m}}]}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
description: important
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-only}
spec:
  podSelector: {matchLabels: {app: db}}
  egress: [{}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  rules: [{host: example.test, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: cnpg-validating-webhook-configuration}
webhooks:
- name: vcluster.cnpg.io
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig: {service: {name: cnpg-webhook-service, namespace: cnpg-system, path: /validate}}
  rules: [{apiGroups: [postgresql.cnpg.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [clusters]}]
`;

describe('kinds served without a controller', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const kubectlRun = (...args: string[]) => kubectl.run(args);
  const run = async (...args: string[]) => {
    const out = await kubectl.run(args);
    expect(out.code, `kubectl ${args.join(' ')}: ${out.stderr}`).to.equal(0);
    return out.stdout;
  };
  const apply = async (name: string, text: string) => {
    const path = join(kubectl.dir, `${name}.yaml`);
    await writeFile(path, text);
    return run('apply', '-f', path);
  };

  before(async () => {
    cluster = await startCluster({ preset: 'kind', seed: 16, timeScale: 0.05, token: false });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    if (cluster) await stopWithoutControllerErrors(cluster);
    await kubectl?.close();
  });

  it('stores RBAC kinds and prints them as kubectl does', async () => {
    expect(await apply('rbac', RBAC)).to.equal(
      'role.rbac.authorization.k8s.io/pod-reader created\nrolebinding.rbac.authorization.k8s.io/read-pods created\nclusterrole.rbac.authorization.k8s.io/operator created\nclusterrolebinding.rbac.authorization.k8s.io/operator created\n',
    );
    expect(await run('get', 'role', 'pod-reader')).to.match(
      /^NAME\s+CREATED AT\npod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/,
    );
    expect(await run('get', 'rolebinding', 'read-pods', '-o', 'wide')).to.match(
      /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nread-pods\s+Role\/pod-reader\s+\d+s\s+jane\s+default\/robot\n$/,
    );
    expect(await run('get', 'clusterrolebinding', 'operator')).to.match(
      /^NAME\s+ROLE\s+AGE\noperator\s+ClusterRole\/operator\s+\d+s\n$/,
    );
  });

  it("refuses to change a binding's roleRef", async () => {
    await apply('rbac', RBAC);
    const out = await kubectlRun(
      'patch',
      'rolebinding',
      'read-pods',
      '--type=merge',
      '-p',
      '{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"other"}}',
    );
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include('roleRef: Invalid value: ');
    expect(out.stderr).to.include('cannot change roleRef');
  });

  it('answers a SelfSubjectAccessReview allowed without storing it', async () => {
    const headers = { 'content-type': 'application/json', ...authHeader(cluster) };
    const url = `${cluster.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        spec: { resourceAttributes: { verb: 'delete', resource: 'pods', namespace: 'default' } },
      }),
    });
    expect(res.status).to.equal(201);
    const review = (await res.json()) as {
      status: { allowed: boolean };
      spec: { resourceAttributes: unknown };
    };
    expect(review).to.deep.include({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
    });
    expect(review.status.allowed).to.equal(true);
    expect(review.spec.resourceAttributes).to.deep.equal({
      verb: 'delete',
      resource: 'pods',
      namespace: 'default',
    });
    expect((await fetch(url, { headers })).status, 'list is not served').to.equal(405);
  });

  it('refuses a review that names neither resource nor non-resource attributes, as the real server', async () => {
    const res = await fetch(`${cluster.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(cluster) },
      body: JSON.stringify({ spec: {} }),
    });
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { message: string }).message).to.equal(
      '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  });

  it('defaults webhook configurations as admissionregistration/v1 does', async () => {
    await apply('policy', POLICY);
    const hook = JSON.parse(
      await run(
        'get',
        'validatingwebhookconfiguration',
        'cnpg-validating-webhook-configuration',
        '-o',
        'json',
      ),
    ).webhooks[0];
    expect(hook).to.deep.include({
      failurePolicy: 'Fail',
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      timeoutSeconds: 10,
    });
    expect(hook.rules[0].scope).to.equal('*');
    expect(hook.clientConfig.service.port).to.equal(443);
  });

  it('refuses an ingress path without a pathType', async () => {
    const path = join(kubectl.dir, 'no-path-type.yaml');
    await writeFile(
      path,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: loose}
spec:
  rules: [{host: example.test, http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}}]
`,
    );
    const out = await kubectlRun('apply', '-f', path);
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include(
      'The Ingress "loose" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    );
  });

  it('answers kubectl auth can-i with yes', async () => {
    expect(await run('auth', 'can-i', 'delete', 'pods', '--all-namespaces')).to.equal('yes\n');
    expect(await run('auth', 'can-i', 'create', 'clusters.postgresql.cnpg.io', '-n', 'default')).to.equal(
      'yes\n',
    );
    const res = await fetch(`${cluster.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      headers: authHeader(cluster),
    });
    expect(res.status).to.equal(405);
  });

  it('stores quotas, limit ranges, priority classes, network policies, ingresses and webhook configurations', async () => {
    await apply('policy', POLICY);
    expect(await run('get', 'quota', 'compute')).to.match(/^NAME\s+AGE\s+REQUEST\s+LIMIT\n/);
    expect(await run('get', 'limits', 'defaults')).to.match(/^NAME\s+CREATED AT\ndefaults\s+\S+Z\n$/);
    expect(await run('get', 'pc', 'high')).to.match(
      /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY\nhigh\s+1000\s+false\s+\d+s\s+PreemptLowerPriority\n$/,
    );
    expect(await run('get', 'netpol', 'db-only')).to.match(
      /^NAME\s+POD-SELECTOR\s+AGE\ndb-only\s+app=db\s+\d+s\n$/,
    );
    const netpol = JSON.parse(await run('get', 'netpol', 'db-only', '-o', 'json'));
    expect(netpol.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    expect(await run('get', 'ingress', 'web')).to.match(
      /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\nweb\s+nginx\s+example\.test\s+80\s+\d+s\n$/,
    );
    expect(await run('get', 'validatingwebhookconfigurations')).to.match(
      /\ncnpg-validating-webhook-configuration\s+1\s+\d+s\n$/,
    );
  });

  it("keeps a ResourceQuota's status: hard from its spec, used from the namespace", async () => {
    await apply(
      'quota',
      `apiVersion: v1
kind: Namespace
metadata: {name: quota}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: quota}
spec: {hard: {pods: "10", requests.cpu: "4", limits.memory: 8Gi, count/configmaps: "5"}}
---
apiVersion: v1
kind: Pod
metadata: {name: sized, namespace: quota}
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {memory: 1Gi}}
`,
    );
    const status = await until(
      'the quota counting the pod',
      async () => {
        const q = JSON.parse(await run('get', 'quota', 'compute', '-n', 'quota', '-o', 'json'));
        return q.status?.used?.pods === '1' ? q.status : undefined;
      },
      20_000,
    );
    expect(status.hard).to.deep.equal({
      pods: '10',
      'requests.cpu': '4',
      'limits.memory': '8Gi',
      'count/configmaps': '5',
    });
    // The namespace's kube-root-ca.crt counts among its ConfigMaps, as on a real cluster.
    expect(status.used).to.deep.include({ pods: '1', 'requests.cpu': '500m', 'limits.memory': '1Gi' });
    expect(await run('get', 'quota', 'compute', '-n', 'quota')).to.match(
      /\ncompute\s+\d+s\s+count\/configmaps: \d\/5, pods: 1\/10, requests\.cpu: 500m\/4\s+limits\.memory: 1Gi\/8Gi\n$/,
    );
  });

  it('refuses a priority class value change as immutable', async () => {
    await apply('policy', POLICY);
    const out = await kubectlRun('patch', 'pc', 'high', '--type=merge', '-p', '{"value":5}');
    expect(out.code).to.equal(1);
    expect(out.stderr).to.include('value: Forbidden: may not be changed in an update.');
  });

  it('has the default/kubernetes Service with its Endpoints and EndpointSlice', async () => {
    expect(await run('get', 'service', 'kubernetes')).to.match(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nkubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\d+s\n$/,
    );
    const slices = JSON.parse(await run('get', 'endpointslices', '-o', 'json')).items.filter(
      (s: { metadata: { labels?: Record<string, string> } }) =>
        s.metadata.labels?.['kubernetes.io/service-name'] === 'kubernetes',
    );
    expect(slices.map((s: { metadata: { name: string } }) => s.metadata.name)).to.deep.equal(['kubernetes']);
    expect(
      await run('get', 'endpoints', 'kubernetes', '-o', 'jsonpath={.subsets[0].ports[0].port}'),
    ).to.equal('6443');
  });

  it('keeps no generation on ConfigMaps and Leases, as the real server', async () => {
    await apply(
      'nogen',
      `apiVersion: v1
kind: ConfigMap
metadata: {name: nogen}
data: {a: "1"}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: nogen}
spec: {holderIdentity: me, leaseDurationSeconds: 15}
`,
    );
    await run('patch', 'configmap', 'nogen', '--type=merge', '-p', '{"data":{"a":"2"}}');
    expect(
      await run('get', 'configmap,lease', 'nogen', '-o', 'jsonpath={.items[*].metadata.generation}'),
    ).to.equal('');
  });

  it('keeps an EndpointSlice with the Endpoints of a Service', async () => {
    await apply(
      'svc',
      `apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: echo, labels: {app: echo}}
spec:
  containers: [{name: echo, image: "nginx:1.27", ports: [{containerPort: 8080}]}]
`,
    );
    await run('wait', '--for=condition=Ready', 'pod/echo', '--timeout=60s');
    const podIp = JSON.parse(await run('get', 'pod', 'echo', '-o', 'json')).status.podIP;
    const slice = await until(
      'an EndpointSlice with the pod ready',
      async () => {
        const items = JSON.parse(
          await run('get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'json'),
        ).items;
        return items.length === 1 && items[0].endpoints?.[0]?.conditions?.ready ? items[0] : undefined;
      },
      20_000,
    );
    expect(slice.metadata.name).to.match(/^echo-[a-z0-9]{5}$/);
    expect(slice.addressType).to.equal('IPv4');
    expect(slice.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints[0].addresses).to.deep.equal([podIp]);
    expect(slice.endpoints[0].targetRef).to.include({ kind: 'Pod', name: 'echo' });
    expect(await run('get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo')).to.match(
      new RegExp(
        `^NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE\\necho-\\w{5}\\s+IPv4\\s+8080\\s+${podIp.replace(/\./g, '\\.')}\\s+\\d+s\\n$`,
      ),
    );
    await run('delete', 'service', 'echo');
    await until(
      'the EndpointSlice gone with its Service',
      async () =>
        JSON.parse(await run('get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'json'))
          .items.length === 0,
      20_000,
    );
  });
});
