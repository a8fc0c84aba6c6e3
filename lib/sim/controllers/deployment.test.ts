/**
 * The Deployment and ReplicaSet controllers through the real kubectl v1.35 over HTTP, on the kind
 * preset: what `kubectl create|rollout|scale` print and what a user reads back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Cluster, startCluster } from '../cluster.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { stopWithoutControllerErrors } from '../testing/own-errors.ts';

const DEPLOYMENT = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 3
  selector: {matchLabels: {app: ${name}}}${extra}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
`;

describe('Deployments and ReplicaSets through kubectl', () => {
  let cluster: Cluster;
  let kubectl: KubectlSession;

  const run = async (...args: string[]) => {
    const out = await kubectl.run(args);
    expect(out.code, `kubectl ${args.join(' ')}: ${out.stderr}`).to.equal(0);
    return out.stdout;
  };
  const apply = async (file: string, text: string) => {
    const path = join(kubectl.dir, file);
    await writeFile(path, text);
    return run('apply', '-f', path);
  };
  const json = async (...args: string[]) => JSON.parse(await run('get', ...args, '-o', 'json'));

  before(async () => {
    cluster = await startCluster({ preset: 'kind', seed: 15, timeScale: 0.02, token: false });
    kubectl = await kubectlSession(cluster, 60_000);
  });
  after(async () => {
    if (cluster) await stopWithoutControllerErrors(cluster);
    await kubectl?.close();
  });

  it('kubectl create deployment makes a ReplicaSet and pods, and rollout status waits for them', async () => {
    expect(await run('create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=2')).to.equal(
      'deployment.apps/hello created\n',
    );
    const status = await run('rollout', 'status', 'deployment/hello', '--timeout=60s');
    expect(status).to.match(/deployment "hello" successfully rolled out\n$/);
    const table = await run('get', 'deployment', 'hello');
    expect(table).to.match(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    expect(table).to.match(/\nhello\s+2\/2\s+2\s+2\s+\d+s\n/);
    const rs = (await json('replicasets', '-l', 'app=hello')).items;
    expect(rs).to.have.length(1);
    const hash = rs[0].metadata.labels['pod-template-hash'];
    expect(rs[0].metadata.name).to.equal(`hello-${hash}`);
    expect(rs[0].metadata.ownerReferences[0]).to.include({
      kind: 'Deployment',
      name: 'hello',
      controller: true,
    });
    const pods = (await json('pods', '-l', 'app=hello')).items;
    expect(pods.map((p: { metadata: { name: string } }) => p.metadata.name)).to.satisfy((names: string[]) =>
      names.every((n) => n.startsWith(`hello-${hash}-`)),
    );
  });

  it('reports Available and Progressing with the real reasons for the current generation', async () => {
    await apply('conditions.yaml', DEPLOYMENT('conditions'));
    await run('rollout', 'status', 'deployment/conditions', '--timeout=60s');
    const d = await json('deployment', 'conditions');
    expect(d.status.observedGeneration).to.equal(d.metadata.generation);
    expect(d.status).to.include({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    const conditions = Object.fromEntries(
      d.status.conditions.map((c: { type: string; reason: string; message: string }) => [c.type, c]),
    );
    expect(conditions.Available).to.include({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    const rs = (await json('replicasets', '-l', 'app=conditions')).items[0];
    expect(conditions.Progressing).to.include({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
    });
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).to.equal('1');
  });

  it('rolls out a new template, lists both revisions, and rolls back to the first ReplicaSet', async () => {
    await apply('roll.yaml', DEPLOYMENT('roll'));
    await run('rollout', 'status', 'deployment/roll', '--timeout=60s');
    const first = (await json('replicasets', '-l', 'app=roll')).items[0].metadata.name;
    expect(await run('set', 'image', 'deployment/roll', 'web=nginx:1.28')).to.equal(
      'deployment.apps/roll image updated\n',
    );
    expect(await run('rollout', 'status', 'deployment/roll', '--timeout=60s')).to.match(
      /successfully rolled out\n$/,
    );
    expect(await run('rollout', 'history', 'deployment/roll')).to.equal(
      'deployment.apps/roll \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
    );
    const during = (await json('replicasets', '-l', 'app=roll')).items;
    expect(during.map((r: { spec: { replicas: number } }) => r.spec.replicas).sort()).to.deep.equal([0, 3]);

    expect(await run('rollout', 'undo', 'deployment/roll')).to.equal('deployment.apps/roll rolled back\n');
    await run('rollout', 'status', 'deployment/roll', '--timeout=60s');
    const after = (await json('replicasets', '-l', 'app=roll')).items;
    expect(after, 'no third ReplicaSet: the first one is reused').to.have.length(2);
    const back = after.find((r: { metadata: { name: string } }) => r.metadata.name === first);
    expect(back.spec.replicas).to.equal(3);
    expect(back.metadata.annotations).to.include({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(await run('rollout', 'history', 'deployment/roll')).to.equal(
      'deployment.apps/roll \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n',
    );
    const images = (await json('pods', '-l', 'app=roll')).items
      .filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp)
      .map((p: { spec: { containers: { image: string }[] } }) => p.spec.containers[0]!.image);
    expect(new Set(images)).to.deep.equal(new Set(['nginx:1.27']));
  });

  it('never has more than replicas + maxSurge pods or fewer than replicas - maxUnavailable ready', async () => {
    await apply(
      'surge.yaml',
      DEPLOYMENT(
        'surge',
        '\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}',
      ),
    );
    await run('rollout', 'status', 'deployment/surge', '--timeout=60s');
    const podsRt = cluster.api.resource('', 'pods');
    let maxPods = 0;
    let minReady = Number.POSITIVE_INFINITY;
    const watch = cluster.api.watch(podsRt, 'default', { labelSelector: 'app=surge' }, () => {
      const serving = cluster.api
        .list(podsRt, 'default', { labelSelector: 'app=surge' })
        .items.filter((p) => !p.metadata.deletionTimestamp);
      const ready = serving.filter((p) =>
        ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      );
      maxPods = Math.max(maxPods, serving.length);
      minReady = Math.min(minReady, ready.length);
    });
    try {
      await run('set', 'image', 'deployment/surge', 'web=nginx:1.28');
      await run('rollout', 'status', 'deployment/surge', '--timeout=60s');
    } finally {
      watch.stop();
    }
    expect(maxPods, 'most pods at once (replicas 3 + maxSurge 1)').to.be.at.most(4);
    expect(minReady, 'fewest ready pods at once (replicas 3 - maxUnavailable 0)').to.be.at.least(3);
  });

  it('Recreate stops every old pod before the new ReplicaSet starts any', async () => {
    await apply('recreate.yaml', DEPLOYMENT('recreate', '\n  strategy: {type: Recreate}'));
    await run('rollout', 'status', 'deployment/recreate', '--timeout=60s');
    const podsRt = cluster.api.resource('', 'pods');
    const overlaps: string[] = [];
    const watch = cluster.api.watch(podsRt, 'default', { labelSelector: 'app=recreate' }, () => {
      const pods = cluster.api.list(podsRt, 'default', { labelSelector: 'app=recreate' }).items;
      const hashes = new Set(pods.map((p) => p.metadata.labels?.['pod-template-hash']));
      if (hashes.size > 1) overlaps.push([...hashes].join(','));
    });
    try {
      await run('set', 'image', 'deployment/recreate', 'web=nginx:1.28');
      await run('rollout', 'status', 'deployment/recreate', '--timeout=60s');
    } finally {
      watch.stop();
    }
    expect(overlaps, 'pods of two templates at the same time, terminating ones included').to.deep.equal([]);
    const images = (await json('pods', '-l', 'app=recreate')).items.map(
      (p: { spec: { containers: { image: string }[] } }) => p.spec.containers[0]!.image,
    );
    expect(images).to.deep.equal(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
  });

  it('reports ProgressDeadlineExceeded when a rollout makes no progress, and rollout status fails', async () => {
    await apply(
      'stuck.yaml',
      // An image no node has, whose pulls fail: the pods never become ready.
      DEPLOYMENT('stuck', '\n  progressDeadlineSeconds: 10')
        .replace(
          'metadata: {labels: {app: stuck}}',
          'metadata: {labels: {app: stuck}, annotations: {sim.kubexpect.io/image-pull: fail}}',
        )
        .replace('image: "nginx:1.27"', 'image: "registry.example/stuck:1"'),
    );
    const out = await kubectl.run(['rollout', 'status', 'deployment/stuck', '--timeout=60s']);
    expect(out.code).to.equal(1);
    expect(out.stderr).to.equal('error: deployment "stuck" exceeded its progress deadline\n');
    // Progress after the deadline (a late pod) makes it progressing again, as on a real cluster; once all
    // pods exist and none becomes ready, it times out for good.
    await run(
      'wait',
      '--for=jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=ProgressDeadlineExceeded',
      'deployment/stuck',
      '--timeout=30s',
    );
    const d = await json('deployment', 'stuck');
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    const rs = (await json('replicasets', '-l', 'app=stuck')).items[0].metadata.name;
    expect(progressing).to.include({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rs}" has timed out progressing.`,
    });
  });

  it('shows pods the API refuses as FailedCreate events and ReplicaFailure conditions', async () => {
    await apply(
      'refused.yaml',
      DEPLOYMENT('refused').replace(
        '    spec:\n      containers',
        '    spec:\n      serviceAccountName: missing\n      containers',
      ),
    );
    await run(
      'wait',
      '--for=jsonpath={.status.conditions[?(@.type=="ReplicaFailure")].reason}=FailedCreate',
      'deployment/refused',
      '--timeout=30s',
    );
    const d = await json('deployment', 'refused');
    const failure = d.status.conditions.find((c: { type: string }) => c.type === 'ReplicaFailure');
    expect(failure.message).to.match(
      /^Error creating: pods "refused-\w+-\w{5}" is forbidden: error looking up service account default\/missing: serviceaccount "missing" not found$/,
    );
    const rs = (await json('replicasets', '-l', 'app=refused')).items[0];
    expect(rs.status.conditions[0]).to.include({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
    });
    const events = await run(
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${rs.metadata.name},reason=FailedCreate`,
    );
    expect(events).to.include('Error creating: pods');
  });

  it('a paused Deployment holds a new template until kubectl rollout resume', async () => {
    await apply('paused.yaml', DEPLOYMENT('paused'));
    await run('rollout', 'status', 'deployment/paused', '--timeout=60s');
    expect(await run('rollout', 'pause', 'deployment/paused')).to.equal('deployment.apps/paused paused\n');
    await run('set', 'image', 'deployment/paused', 'web=nginx:1.28');
    await run(
      'wait',
      '--for=jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=DeploymentPaused',
      'deployment/paused',
      '--timeout=30s',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (await json('replicasets', '-l', 'app=paused')).items,
      'no ReplicaSet for the new template',
    ).to.have.length(1);
    expect(await run('rollout', 'resume', 'deployment/paused')).to.equal('deployment.apps/paused resumed\n');
    await run('rollout', 'status', 'deployment/paused', '--timeout=60s');
    const images = (await json('pods', '-l', 'app=paused')).items
      .filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp)
      .map((p: { spec: { containers: { image: string }[] } }) => p.spec.containers[0]!.image);
    expect(images).to.deep.equal(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
  });

  it('kubectl scale changes the replicas through the scale subresource', async () => {
    await apply('scaled.yaml', DEPLOYMENT('scaled'));
    await run('rollout', 'status', 'deployment/scaled', '--timeout=60s');
    expect(await run('scale', 'deployment', 'scaled', '--replicas=1')).to.equal(
      'deployment.apps/scaled scaled\n',
    );
    await run('rollout', 'status', 'deployment/scaled', '--timeout=60s');
    const scale = JSON.parse(
      await run('get', '--raw', '/apis/apps/v1/namespaces/default/deployments/scaled/scale'),
    );
    expect(scale).to.deep.include({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 } });
    expect(scale.status).to.deep.equal({ replicas: 1, selector: 'app=scaled' });
    const pods = (await json('pods', '-l', 'app=scaled')).items.filter(
      (p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp,
    );
    expect(pods).to.have.length(1);
  });

  it('a ReplicaSet adopts a matching orphan pod and replaces a deleted one under a new name', async () => {
    await apply(
      'orphan.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: orphan, labels: {app: adopt}}
spec:
  containers: [{name: web, image: "nginx:1.27"}]
`,
    );
    await apply(
      'adopt.yaml',
      `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: adopt}
spec:
  replicas: 2
  selector: {matchLabels: {app: adopt}}
  template:
    metadata: {labels: {app: adopt}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
`,
    );
    await run('wait', '--for=jsonpath={.status.readyReplicas}=2', 'replicaset/adopt', '--timeout=60s');
    const orphan = await json('pod', 'orphan');
    expect(orphan.metadata.ownerReferences[0]).to.include({
      kind: 'ReplicaSet',
      name: 'adopt',
      controller: true,
    });
    const before = (await json('pods', '-l', 'app=adopt')).items.map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    expect(before).to.have.length(2);
    await run('delete', 'pod', 'orphan', '--wait=true');
    await run('wait', '--for=jsonpath={.status.readyReplicas}=2', 'replicaset/adopt', '--timeout=60s');
    const after = (await json('pods', '-l', 'app=adopt')).items.map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    expect(after).to.have.length(2).and.not.include('orphan');
    expect(after.find((n: string) => !before.includes(n))).to.match(/^adopt-[a-z0-9]{5}$/);
  });
});
