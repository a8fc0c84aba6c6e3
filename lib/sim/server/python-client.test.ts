/**
 * The official Python client (Debian's python3-kubernetes) against the embedded cluster: its watch
 * sends `watch=True`, which the real server reads as true (apimachinery
 * runtime.Convert_Slice_string_To_bool), so the stream must be a watch, not a list.
 * Skipped where /usr/bin/python3 has no `kubernetes` module.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../index.ts';
import { clientsFor, until } from '../testing/clients.ts';

const PYTHON = '/usr/bin/python3';

const WATCH_SCRIPT = `
import sys
from kubernetes import client, config, watch
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
print("WATCHING", flush=True)
for event in watch.Watch().stream(v1.list_namespaced_config_map, "py", timeout_seconds=30):
    print(event["type"], event["object"].metadata.name, flush=True)
    if event["object"].metadata.name == "second":
        break
`;

function pythonHasKubernetes(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore', timeout: 20_000 });
  return probe.status === 0;
}

describe('the official Python client', () => {
  let cluster: Cluster;
  let dir: string;
  let child: ChildProcess | undefined;

  before(async function () {
    if (!pythonHasKubernetes()) this.skip();
    cluster = await startCluster({ seed: 41, token: true });
    dir = await mkdtemp(join(tmpdir(), 'kubexpect-py-'));
  });

  after(async () => {
    child?.kill();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('watches with watch=True and sees objects created after the watch began', async () => {
    const { core } = clientsFor(cluster);
    await core.createNamespace({ body: { metadata: { name: 'py' } } });
    await core.createNamespacedConfigMap({ namespace: 'py', body: { metadata: { name: 'first' } } });
    const kubeconfig = await cluster.writeKubeconfig(join(dir, 'kubeconfig'));
    const proc = spawn(PYTHON, ['-c', WATCH_SCRIPT, kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
    });
    proc.stderr!.on('data', (d) => {
      out += d;
    });
    await until(
      'the Python watch to list the existing object',
      async () => out.includes('ADDED first'),
      30_000,
    );
    await core.createNamespacedConfigMap({ namespace: 'py', body: { metadata: { name: 'second' } } });
    await until(
      'the Python watch to see the new object',
      async () => out.includes('ADDED second'),
      30_000,
      async () => out,
    );
    expect(out.trim().split('\n')).to.deep.equal(['WATCHING', 'ADDED first', 'ADDED second']);
  });
});
