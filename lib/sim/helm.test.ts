/**
 * Helm (v4, from the same layer package as kubectl) against the embedded cluster over HTTP: a chart
 * with a Deployment and a Service installs and waits for the rollout, uninstalls, and installs again.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from './cluster.ts';
import { helmPath } from './kubectl.ts';
import { stopWithoutControllerErrors } from './testing/own-errors.ts';

const CHART: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: "1.27"\n',
  'values.yaml': 'replicas: 2\nimage: nginx:1.27\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app.kubernetes.io/instance: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app.kubernetes.io/instance: {{ .Release.Name }}}
    spec:
      containers:
      - name: web
        image: {{ .Values.image }}
        ports: [{containerPort: 80}]
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector: {app.kubernetes.io/instance: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: 80}]
`,
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('Helm against the embedded cluster', () => {
  let cluster: Cluster;
  let dir: string;
  let helm: (...args: string[]) => Promise<Run>;
  const chart = () => join(dir, 'chart');

  before(async () => {
    cluster = await startCluster({ preset: 'kind', seed: 18, timeScale: 0.05, token: false });
    dir = await mkdtemp(join(tmpdir(), 'kubexpect-helm-'));
    for (const [file, text] of Object.entries(CHART)) {
      await mkdir(join(chart(), file, '..'), { recursive: true });
      await writeFile(join(chart(), file), text);
    }
    await cluster.writeKubeconfig(join(dir, 'kubeconfig'));
    const binary = await helmPath();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      KUBECONFIG: join(dir, 'kubeconfig'),
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'),
    };
    helm = (...args) =>
      new Promise((resolve) =>
        execFile(binary, args, { env, timeout: 90_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        ),
      );
  });
  after(async () => {
    if (cluster) await stopWithoutControllerErrors(cluster);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const deployment = () =>
    cluster.api.find(cluster.api.resource('apps', 'deployments'), 'default', 'demo-web');

  it('is Helm 4', async () => {
    expect((await helm('version', '--short')).stdout).to.match(/^v4\.\d+\.\d+/);
  });

  it('installs a chart with a Deployment and waits for it to roll out', async () => {
    const out = await helm('install', 'demo', chart(), '--wait', '--timeout', '60s');
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.match(/STATUS: deployed\nREVISION: 1\n/);
    const status = deployment()?.status as { readyReplicas?: number; availableReplicas?: number };
    expect(status).to.include({ readyReplicas: 2, availableReplicas: 2 });
    expect((await helm('list', '--short')).stdout).to.equal('demo\n');
  });

  it('uninstalls the release and its objects', async () => {
    const out = await helm('uninstall', 'demo', '--wait');
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.equal('release "demo" uninstalled\n');
    expect(deployment()).to.equal(undefined);
    expect((await helm('list', '--short')).stdout).to.equal('');
  });

  it('installs the same release name again', async () => {
    const out = await helm('install', 'demo', chart(), '--wait', '--timeout', '60s');
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.match(/STATUS: deployed\nREVISION: 1\n/);
    expect((deployment()?.status as { readyReplicas?: number } | undefined)?.readyReplicas).to.equal(2);
  });
});
