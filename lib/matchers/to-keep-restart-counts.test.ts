import type { V1ContainerStatus } from '@kubernetes/client-node';
import { expect } from 'chai';
import { simOnlyIt } from '../controlplane/testing/test-target.ts';
import { consistentlyPod, consistentlyPods, eventuallyPod } from './index.ts';
import {
  createPod,
  deletePod,
  failureOf,
  gist,
  type SimFixture,
  sleep,
  useSim,
} from './testing/sim-fixture.ts';
import { useWorkloadCluster } from './testing/workload-fixture.ts';

/** Writes the pod's container statuses as the kubelet would, `c` restarted `restarts` times. */
async function setRestarts(f: SimFixture, name: string, restarts: number) {
  const pod = await f.conn.core.readNamespacedPod({ namespace: f.ns, name });
  const c: V1ContainerStatus = {
    name: 'c',
    image: 'postgres',
    imageID: '',
    ready: true,
    restartCount: restarts,
    state: { running: { startedAt: new Date() } },
    lastState: restarts ? { terminated: { exitCode: 137, reason: 'OOMKilled' } } : {},
  };
  pod.status = { ...pod.status, phase: 'Running', containerStatuses: [c] };
  await f.conn.core.replaceNamespacedPodStatus({ namespace: f.ns, name, body: pod });
}

describe('toKeepRestartCounts / toAllKeepRestartCounts', () => {
  const f = useSim('m-restarts');

  it('passes while no container restarts', async () => {
    await createPod(f, 'r1', { nodeName: 'w1' });
    await setRestarts(f, 'r1', 1);
    const pod = await consistentlyPod(f.conn, f.ns, 'r1', { for: '1s' }).toKeepRestartCounts();
    expect(pod.status?.containerStatuses?.[0]?.restartCount).to.equal(1);
  });

  it('fails at the first restart, naming the container and why it last ended', async () => {
    await createPod(f, 'r2', { nodeName: 'w1' });
    await setRestarts(f, 'r2', 0);
    const holding = consistentlyPod(f.conn, f.ns, 'r2', { for: '3s' }).toKeepRestartCounts();
    await sleep(200);
    await setRestarts(f, 'r2', 1);
    const message = await failureOf(holding);
    expect(gist(message)).to.equal(
      'Failed after T of 3s: expected pod m-restarts/r2 to keep its restart counts throughout, but it was not.\n' +
        '  violation: restarted: c 0 → 1 (last terminated: OOMKilled, exit code 137)',
    );
  });

  it('compares with a baseline read before the action, and fails at once on a replaced pod', async () => {
    await createPod(f, 'r3', { nodeName: 'w1' });
    await setRestarts(f, 'r3', 2);
    const before = await f.conn.getPod(f.ns, 'r3');
    await deletePod(f, 'r3');
    await createPod(f, 'r3', { nodeName: 'w2' });
    const message = await failureOf(
      eventuallyPod(f.conn, f.ns, 'r3', { timeout: '1m' }).toKeepRestartCounts(before),
    );
    expect(gist(message)).to.match(
      /^Gave up after T of 1m: expected pod m-restarts\/r3 to keep its restart counts \(c=2\), and that can no longer happen\.\n {2}last seen: the pod was replaced \(uid \w{8}, was \w{8}\)$/,
    );
  });

  it('over a set, fails when any selected pod restarts', async () => {
    await createPod(f, 'db-1', { nodeName: 'w1', labels: { app: 'db' } });
    await createPod(f, 'db-2', { nodeName: 'w2', labels: { app: 'db' } });
    await setRestarts(f, 'db-1', 0);
    await setRestarts(f, 'db-2', 3);
    const holding = consistentlyPods(
      f.conn,
      f.ns,
      { labelSelector: 'app=db' },
      { for: '3s' },
    ).toAllKeepRestartCounts();
    await sleep(200);
    await setRestarts(f, 'db-2', 4);
    const message = await failureOf(holding);
    expect(gist(message)).to.equal(
      'Failed after T of 3s: expected pods in m-restarts with app=db to all keep their restart counts throughout, but it was not.\n' +
        '  violation: restarted: db-2: c 3 → 4 (last terminated: OOMKilled, exit code 137)',
    );
  });

  describe('with the simulator’s kubelet', () => {
    const real = useWorkloadCluster('m-restarts-real');

    simOnlyIt(
      'fails at the first restart of a crashing container',
      'the crash is a simulator annotation',
      async () => {
        await real.conn.core.createNamespacedPod({
          namespace: real.ns,
          body: {
            // The simulated container exits with code 1 after 30 (scaled) seconds.
            metadata: {
              name: 'crashy',
              annotations: { 'sim.kubexpect.io/exit-code': '1', 'sim.kubexpect.io/run-seconds': '30' },
            },
            spec: { containers: [{ name: 'app', image: 'busybox' }] },
          },
        });
        await eventuallyPod(real.conn, real.ns, 'crashy', { timeout: '60s' }).toBeRunning();
        const message = await failureOf(
          consistentlyPod(real.conn, real.ns, 'crashy', { for: '60s' }).toKeepRestartCounts(),
        );
        expect(gist(message)).to.match(
          /^Failed after T of 1m: expected pod m-restarts-real\/crashy to keep its restart counts throughout, but it was not\.\n {2}violation: restarted: app 0 → 1 \(last terminated: Error, exit code 1\)$/,
        );
      },
    );
  });
});
