import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { resolveBinaries } from '../controlplane/index.ts';
import { realOnlyDescribe } from '../controlplane/testing/test-target.ts';
import { parseControlPlaneArgs } from './controlplane.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/kubexpect.js', import.meta.url));

describe('kubexpect controlplane (arguments)', () => {
  it('maps its options to startControlPlane options', () => {
    const parsed = parseControlPlaneArgs([
      '--kubeconfig',
      'cp.yaml',
      '--preset',
      'cloud',
      '--bin-dir',
      '/opt/k8s',
      '--timeout',
      '90',
    ]);
    expect(parsed?.kubeconfig).to.match(/\/cp\.yaml$/);
    expect(parsed?.options).to.deep.include({ preset: 'cloud', binDir: '/opt/k8s', startTimeoutMs: 90_000 });
  });

  it('says what is wrong with an option', () => {
    expect(() => parseControlPlaneArgs(['--kubeconfig', 'k', '--preset', 'gke'])).to.throw(
      '--preset must be kind or cloud, got "gke"',
    );
    expect(() => parseControlPlaneArgs([])).to.throw('--kubeconfig FILE is required');
    expect(() => parseControlPlaneArgs(['--kubeconfig', 'k', '--timeout', '0'])).to.throw(
      '--timeout must be a whole number of seconds from 1 to 3600, got "0"',
    );
  });
});

realOnlyDescribe('kubexpect controlplane (the command line, against real binaries)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubexpect-cli-cp-'));
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs in the foreground; kubectl version shows the real server version; Ctrl-C stops every process', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    child = spawn(process.execPath, [BIN, 'controlplane', '--kubeconfig', kubeconfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.stdout?.on('data', (c) => {
      output += c;
    });
    child.stderr?.on('data', (c) => {
      output += c;
    });
    const deadline = Date.now() + 240_000;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (child.exitCode !== null) throw new Error(`the CLI exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`not started after 240 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await stat(kubeconfig)).mode & 0o777).to.equal(0o600);
    const server = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(server, output).to.be.a('string');

    const bins = await resolveBinaries();
    const expected = (await run(bins.paths['kube-apiserver'], ['--version'])).stdout.trim().split(' ')[1];
    expect(expected).to.match(/^v1\.\d+\.\d+$/);
    const kubectl = bins.kubectl ?? 'kubectl';
    const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'version', '-o', 'json']);
    const version = JSON.parse(stdout) as { serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).to.equal(expected);
    expect(output).to.include(`kubexpect controlplane: Kubernetes ${expected} listening on ${server}`);
    const nodes = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'name']);
    expect(nodes.stdout.trim().split('\n')).to.deep.equal([
      'node/kind-control-plane',
      'node/kind-worker',
      'node/kind-worker2',
      'node/kind-worker3',
    ]);

    child.kill('SIGINT');
    expect(await exited).to.equal(0);
    expect(output).to.include('kubexpect controlplane: SIGINT received, stopping');
    expect(output).to.include('kubexpect controlplane: stopped');
    // Nothing answers on the API server's port any more.
    const after = await fetch(`${server}/readyz`).then(
      () => 'answered',
      (e: Error) => String((e.cause as { code?: string })?.code ?? e.message),
    );
    expect(after).to.equal('ECONNREFUSED');
  });
});
