/** `kubectl logs` (v1.35, over HTTP) against the simulated containers' lines. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { stopWithoutControllerErrors } from '../testing/own-errors.ts';

describe('pods/log', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

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
    cluster = await startCluster({ preset: 'kind', seed: 17, timeScale: 0.05, token: false });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    if (cluster) await stopWithoutControllerErrors(cluster);
    await kubectl?.close();
  });

  it('prints the start line, the lines the pod asks for and the readiness line', async () => {
    await apply(
      'talker',
      `apiVersion: v1
kind: Pod
metadata:
  name: talker
  annotations: {sim.kubexpect.io/log: "listening on :8080\\nconnected to db"}
spec:
  containers: [{name: web, image: "nginx:1.27"}]
`,
    );
    await run('wait', '--for=condition=Ready', 'pod/talker', '--timeout=60s');
    expect(await run('logs', 'talker')).to.equal(
      'kubexpect-sim: container "web" started (image docker.io/library/nginx:1.27)\nlistening on :8080\nconnected to db\nkubexpect-sim: container "web" is ready\n',
    );
    expect(await run('logs', 'talker', '--tail=1')).to.equal('kubexpect-sim: container "web" is ready\n');
    expect(await run('logs', 'talker', '--timestamps', '--tail=1')).to.match(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z kubexpect-sim: container "web" is ready\n$/,
    );
  });

  it('prints the exit line of a container that finished', async () => {
    await apply(
      'once',
      `apiVersion: v1
kind: Pod
metadata: {name: once, annotations: {sim.kubexpect.io/run-seconds: "1", sim.kubexpect.io/exit-code: "3"}}
spec:
  restartPolicy: Never
  containers: [{name: task, image: "busybox:1.36"}]
`,
    );
    await run('wait', '--for=jsonpath={.status.phase}=Failed', 'pod/once', '--timeout=60s');
    const out = await run('logs', 'once');
    expect(out).to.match(/kubexpect-sim: container "task" exited with code 3 \(Error\)\n$/);
  });

  it('asks for a container name when the pod has several, as the kubelet does', async () => {
    await apply(
      'pair',
      `apiVersion: v1
kind: Pod
metadata: {name: pair}
spec:
  containers: [{name: app, image: "nginx:1.27"}, {name: sidecar, image: "busybox:1.36"}]
`,
    );
    await run('wait', '--for=condition=Ready', 'pod/pair', '--timeout=60s');
    expect(await run('logs', 'pair', '-c', 'sidecar')).to.match(
      /^kubexpect-sim: container "sidecar" started/,
    );
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/pods/pair/log`);
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { message: string }).message).to.equal(
      'a container name must be specified for pod pair, choose one of: [app sidecar]',
    );
    const wrong = await kubectl.run(['logs', 'pair', '-c', 'nope']);
    expect(wrong.stderr).to.include('container nope is not valid for pod pair');
  });

  it('says a container that has not started is waiting, with its reason', async () => {
    await apply(
      'stuck',
      `apiVersion: v1
kind: Pod
metadata: {name: stuck, annotations: {sim.kubexpect.io/image-pull: fail}}
spec:
  containers: [{name: app, image: "registry.invalid/app:1"}]
`,
    );
    await run(
      'wait',
      '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ErrImagePull',
      'pod/stuck',
      '--timeout=60s',
    );
    const out = await kubectl.run(['logs', 'stuck']);
    expect(out.code).to.equal(1);
    expect(out.stderr).to.match(
      /container "app" in pod "stuck" is waiting to start: (ErrImagePull|ImagePullBackOff)/,
    );
  });
});
