import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Cluster, kindPreset, startCluster } from '../index.ts';
import { stopWithoutOwnErrors } from '../testing/own-errors.ts';
import { clientsFor, until } from '../testing/clients.ts';

const TIME_SCALE = 0.01;

function podBody(
  name: string,
  extra: Partial<k8s.V1PodSpec> = {},
  annotations?: Record<string, string>,
): k8s.V1Pod {
  return {
    metadata: { name, annotations },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...extra },
  };
}

/** Every state a pod passes through, as (type, phase, ready, deleting, container state) rows. */
async function recordPod(cluster: Cluster, namespace: string, name: string) {
  const rows: { type: string; pod: k8s.V1Pod }[] = [];
  const request = await new k8s.Watch(clientsFor(cluster).kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { fieldSelector: `metadata.name=${name}` },
    (type: string, pod: k8s.V1Pod) => rows.push({ type, pod }),
    () => {},
  );
  return { rows, stop: () => request.abort() };
}

const ready = (pod: k8s.V1Pod) => pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('simulated kubelet (kind preset)', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let namespace: string;
  let counter = 0;

  before(async () => {
    cluster = await startCluster({
      preset: { ...kindPreset(), latencies: { containerStop: { min: 600_000, max: 600_000 } } },
      timeScale: TIME_SCALE,
      seed: 5,
    });
    core = clientsFor(cluster).core;
  });
  after(() => stopWithoutOwnErrors(cluster));
  beforeEach(async () => {
    namespace = `kubelet-${++counter}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  const readyPod = (name: string) =>
    until(`pod ${name} to be Ready`, async () => {
      const pod = await core.readNamespacedPod({ namespace, name });
      return ready(pod) === 'True' ? pod : undefined;
    });

  it('takes a bound pod through ContainerCreating to Running and Ready with every condition True', async () => {
    const watch = await recordPod(cluster, namespace, 'web');
    await core.createNamespacedPod({ namespace, body: podBody('web') });
    const pod = await readyPod('web');
    watch.stop();
    expect(pod.status?.phase).to.equal('Running');
    expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`)).to.deep.equal([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const waiting = watch.rows.map((r) => r.pod.status?.containerStatuses?.[0]?.state?.waiting?.reason);
    expect(waiting).to.include('ContainerCreating');
    const phases = watch.rows.map((r) => r.pod.status?.phase);
    expect(phases.indexOf('Pending')).to.be.lessThan(phases.indexOf('Running'));
  });

  it('moves only through states a kubelet writes: a pod is Running in the same write that shows its last container running', async () => {
    const watch = await recordPod(cluster, namespace, 'two');
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'two' },
        spec: {
          containers: [
            { name: 'web', image: 'example.com/phases-web:1' },
            { name: 'sidecar', image: 'example.com/phases-sidecar:1' },
          ],
        },
      },
    });
    await readyPod('two');
    watch.stop();
    const rows = watch.rows.map((r) => {
      const states = (r.pod.status?.containerStatuses ?? []).map((c) => Object.keys(c.state ?? {})[0]);
      return { phase: r.pod.status?.phase, states };
    });
    // getPhase: Pending while any container still waits, Running once none does.
    for (const { phase, states } of rows) {
      if (states.length === 2 && states.every((s) => s === 'running'))
        expect(phase, JSON.stringify(rows)).to.equal('Running');
      if (states.includes('waiting')) expect(phase, JSON.stringify(rows)).to.equal('Pending');
    }
    expect(rows.some((r) => r.phase === 'Pending' && r.states.includes('running'))).to.equal(
      true,
      'a pod with one container up and one still waiting is Pending, as a kubelet writes it',
    );
  });

  it('reports container status, addresses from the node and the QoS class', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody('sized', {
        containers: [
          { name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
        ],
      }),
    });
    const pod = await readyPod('sized');
    const node = await core.readNode({ name: pod.spec!.nodeName! });
    const status = pod.status!;
    expect(status.hostIP).to.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address);
    expect(status.podIP?.startsWith(node.spec!.podCIDR!.replace(/0\/24$/, ''))).to.equal(true);
    expect(status.qosClass).to.equal('Burstable');
    expect(status.startTime).to.be.instanceOf(Date);
    const cs = status.containerStatuses![0]!;
    expect(cs).to.deep.include({ name: 'web', ready: true, started: true, restartCount: 0 });
    expect(cs.image).to.equal('docker.io/library/nginx:1.27');
    expect(cs.imageID).to.match(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).to.match(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.state?.running?.startedAt).to.be.instanceOf(Date);
  });

  it('records Scheduled, Pulling, Pulled, Created and Started in that order', async () => {
    // An image no earlier test pulled: whichever node the pod lands on must pull it.
    const body = podBody('web');
    body.spec!.containers[0]!.image = 'example.com/events-web:1.27';
    await core.createNamespacedPod({ namespace, body });
    const pod = await readyPod('web');
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=web' });
    const events = list.items.sort((a, b) => +a.firstTimestamp! - +b.firstTimestamp!);
    expect(events.map((e) => e.reason)).to.deep.equal([
      'Scheduled',
      'Pulling',
      'Pulled',
      'Created',
      'Started',
    ]);
    const byReason = Object.fromEntries(events.map((e) => [e.reason, e]));
    expect(byReason.Pulling!.message).to.equal('Pulling image "example.com/events-web:1.27"');
    expect(byReason.Pulled!.message).to.match(
      /^Successfully pulled image "example\.com\/events-web:1\.27" in [0-9.]+m?s \([0-9.]+m?s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    expect(byReason.Created!.message).to.equal('Created container: web');
    expect(byReason.Started!.message).to.equal('Started container web');
    expect(byReason.Started!.source).to.deep.equal({ component: 'kubelet', host: pod.spec?.nodeName });
  });

  it('stops a deleted pod gracefully: not Ready and Killing first, gone only after the grace period', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody('web', { terminationGracePeriodSeconds: 20 }),
    });
    await readyPod('web');
    const watch = await recordPod(cluster, namespace, 'web');
    const started = Date.now();
    const marked = await core.deleteNamespacedPod({ namespace, name: 'web' });
    expect(marked.metadata?.deletionGracePeriodSeconds).to.equal(20);
    await until('the pod to be gone', async () =>
      watch.rows.some((r) => r.type === 'DELETED') ? true : undefined,
    );
    const elapsed = Date.now() - started;
    watch.stop();
    // containerStop is set far above the grace period, so the kubelet waits out the (scaled) 20 s.
    expect(elapsed).to.be.at.least(20_000 * TIME_SCALE - 20);
    const firstNotReady = watch.rows.findIndex((r) => ready(r.pod) === 'False');
    const deleted = watch.rows.findIndex((r) => r.type === 'DELETED');
    expect(firstNotReady).to.be.greaterThan(-1);
    expect(firstNotReady).to.be.lessThan(deleted);
    const last = watch.rows[deleted]!.pod;
    expect(last.status?.containerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 137,
      reason: 'Error',
    });
    const killing = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=web,reason=Killing',
    });
    expect(killing.items.map((e) => e.message)).to.deep.equal(['Stopping container web']);
  });

  it('runs init containers to completion before the app containers, Initialized only then', async () => {
    const watch = await recordPod(cluster, namespace, 'init');
    await core.createNamespacedPod({
      namespace,
      body: podBody('init', { initContainers: [{ name: 'setup', image: 'busybox:1.36' }] }),
    });
    const pod = await readyPod('init');
    watch.stop();
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 0,
      reason: 'Completed',
    });
    const initializedFalse = watch.rows.find(
      (r) => r.pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status === 'False',
    );
    expect(initializedFalse?.pod.status?.conditions?.find((c) => c.type === 'Initialized')).to.deep.include({
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [setup]',
    });
    expect(initializedFalse?.pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).to.equal(
      'PodInitializing',
    );
    const started = watch.rows.findIndex((r) => r.pod.status?.containerStatuses?.[0]?.state?.running);
    const initDone = watch.rows.findIndex((r) => r.pod.status?.initContainerStatuses?.[0]?.state?.terminated);
    expect(initDone).to.be.greaterThan(-1);
    expect(initDone).to.be.lessThan(started);
  });

  it('keeps a pod annotated sim.kubexpect.io/ready=false Running but not Ready, and follows the annotation', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody('flaky', {}, { 'sim.kubexpect.io/ready': 'false' }),
    });
    const running = await until('flaky to run', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'flaky' });
      return p.status?.phase === 'Running' ? p : undefined;
    });
    await new Promise((r) => setTimeout(r, 50));
    const still = await core.readNamespacedPod({ namespace, name: 'flaky' });
    expect(still.status?.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    expect(running.status?.containerStatuses?.[0]?.ready).to.equal(false);
    const annotate = (value: string) =>
      core.patchNamespacedPod({
        namespace,
        name: 'flaky',
        body: [{ op: 'replace', path: '/metadata/annotations/sim.kubexpect.io~1ready', value }],
      });
    await annotate('true');
    await readyPod('flaky');
    await annotate('false');
    await until('flaky to lose readiness', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'flaky' });
      return ready(p) === 'False' ? true : undefined;
    });
  });

  it('backs off pulling an image that cannot be pulled, and starts once it can', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody(
        'nopull',
        { containers: [{ name: 'web', image: 'nginx:nope' }] },
        { 'sim.kubexpect.io/image-pull': 'fail' },
      ),
    });
    const waiting = await until('the pull to back off', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'nopull' });
      const w = p.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ImagePullBackOff' ? w : undefined;
    });
    const cause =
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nope": ' +
      'failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found';
    expect(waiting.message).to.equal(`Back-off pulling image "nginx:nope": ErrImagePull: ${cause}`);
    const events = await core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=nopull' });
    expect(events.items.map((e) => `${e.type} ${e.reason}: ${e.message}`)).to.include.members([
      `Warning Failed: Failed to pull image "nginx:nope": ${cause}`,
      'Warning Failed: Error: ErrImagePull',
      'Normal BackOff: Back-off pulling image "nginx:nope"',
      'Warning Failed: Error: ImagePullBackOff',
    ]);
    await core.patchNamespacedPod({
      namespace,
      name: 'nopull',
      body: [{ op: 'remove', path: '/metadata/annotations/sim.kubexpect.io~1image-pull' }],
    });
    await readyPod('nopull');
  });

  it('restarts a long-running container that exits, with CrashLoopBackOff in between', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody(
        'crashy',
        {},
        { 'sim.kubexpect.io/exit-code': '1', 'sim.kubexpect.io/run-seconds': '30' },
      ),
    });
    const backingOff = await until('the container to back off', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'crashy' });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    const cs = backingOff.status!.containerStatuses![0]!;
    const podRef = `crashy_${namespace}(${backingOff.metadata?.uid})`;
    expect(cs.state?.waiting?.message).to.equal(`back-off 10s restarting failed container=web pod=${podRef}`);
    expect(cs.lastState?.terminated).to.deep.include({ exitCode: 1, reason: 'Error' });
    expect(backingOff.status?.phase).to.equal('Running');
    expect(backingOff.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('False');
    const restarted = await until('the container to restart', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'crashy' });
      const c = p.status?.containerStatuses?.[0];
      return c?.restartCount === 1 && c.state?.running ? c : undefined;
    });
    expect(restarted.containerID).to.not.equal(cs.containerID);
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.name=crashy,reason=BackOff',
    });
    expect(events.items.map((e) => e.message)).to.deep.equal([
      `Back-off restarting failed container web in pod ${podRef}`,
    ]);
  });

  it('runs a restartPolicy Never pod to Succeeded', async () => {
    await core.createNamespacedPod({ namespace, body: podBody('once', { restartPolicy: 'Never' }) });
    const pod = await until('pod once to succeed', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'once' });
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'False',
      reason: 'PodCompleted',
    });
  });

  it('fails a run-to-completion pod whose simulated exit code is not 0', async () => {
    await core.createNamespacedPod({
      namespace,
      body: podBody('broken', { restartPolicy: 'Never' }, { 'sim.kubexpect.io/exit-code': '2' }),
    });
    const pod = await until('pod broken to fail', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'broken' });
      return p.status?.phase === 'Failed' ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 2,
      reason: 'Error',
    });
  });

  it('keeps a pod whose claim is not bound in ContainerCreating', async () => {
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'static' },
        spec: {
          storageClassName: '',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    // Bound to a node by hand, as if it were scheduled: the kubelet must still wait for the volume.
    await core.createNamespacedPod({
      namespace,
      body: podBody('db', {
        nodeName: 'kind-worker',
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'static' } }],
      }),
    });
    const pod = await until('the kubelet to report the pod', async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'db' });
      return p.status?.containerStatuses ? p : undefined;
    });
    await new Promise((r) => setTimeout(r, 100));
    const again = await core.readNamespacedPod({ namespace, name: 'db' });
    expect(again.status?.phase).to.equal('Pending');
    expect(again.status?.containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ContainerCreating');
    expect(pod.status?.hostIP).to.equal('172.18.0.3');
  });
});
