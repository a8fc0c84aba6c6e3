import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { type Preset, startCluster } from '../index.ts';
import { clientsFor, until } from '../testing/clients.ts';

/**
 * One scripted scenario on the kind preset; answers, per pod, the states it went through
 * (node, phase, readiness), so two runs can be compared.
 */
async function scenario(seed: number): Promise<Record<string, string[]>> {
  const cluster = await startCluster({ preset: 'kind', timeScale: 0.01, seed });
  try {
    const { kc, core, apps, batch } = clientsFor(cluster);
    const states: Record<string, string[]> = {};
    const watch = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/default/pods',
      {},
      (type: string, pod: k8s.V1Pod) => {
        const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '-';
        const state =
          type === 'DELETED' ? 'deleted' : `${pod.spec?.nodeName ?? '-'} ${pod.status?.phase} ${ready}`;
        const name = pod.metadata!.name!;
        states[name] ??= [];
        const seen = states[name];
        if (seen[seen.length - 1] !== state) seen.push(state);
      },
      () => {},
    );
    await until('the preset DaemonSets to be ready', async () => {
      const sets = (await apps.listNamespacedDaemonSet({ namespace: 'kube-system' })).items;
      return sets.every((d) => d.status?.numberReady === 4) ? true : undefined;
    });
    for (let i = 0; i < 4; i++) {
      const name = `web-${i}`;
      await core.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { name }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      });
      await until(`${name} to be Ready`, async () => {
        const pod = await core.readNamespacedPod({ namespace: 'default', name });
        return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? true
          : undefined;
      });
    }
    await batch.createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: { name: 'work' },
        spec: {
          completions: 2,
          parallelism: 1,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox:1.36' }] } },
        },
      },
    });
    await until('the job to complete', async () => {
      const job = await batch.readNamespacedJob({ namespace: 'default', name: 'work' });
      return job.status?.conditions?.some((c) => c.type === 'Complete') ? true : undefined;
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'web-0' });
    await until('web-0 to be gone', async () => (states['web-0']?.includes('deleted') ? true : undefined));
    watch.abort();
    return Object.fromEntries(Object.entries(states).sort(([a], [b]) => (a < b ? -1 : 1)));
  } finally {
    await cluster.stop();
  }
}

describe('simulated cluster determinism', () => {
  it('replays the same pod names, nodes and phases for the same seed', async () => {
    const first = await scenario(7);
    const second = await scenario(7);
    expect(Object.keys(first)).to.have.length(6);
    expect(second).to.deep.equal(first);
  });

  it('takes other names and placements with another seed', async () => {
    const first = await scenario(7);
    const other = await scenario(8);
    expect(other).to.not.deep.equal(first);
    const jobPods = (r: Record<string, string[]>) => Object.keys(r).filter((n) => n.startsWith('work-'));
    expect(jobPods(other)).to.not.deep.equal(jobPods(first));
  });

  it('lands on either side of the reschedule race on zonal storage, depending on the seed', async () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 12 && outcomes.size < 2; seed++) outcomes.add(await rescheduleOutcome(seed));
    expect([...outcomes].sort()).to.deep.equal(['pending', 'rescheduled']);
  });
});

/** Two nodes in zone-a, one in zone-b, zonal EBS-like volumes bound where the pod first lands. */
const ZONAL: Preset = {
  name: 'zonal',
  nodes: [
    { name: 'a1', zone: 'zone-a' },
    { name: 'a2', zone: 'zone-a' },
    { name: 'b1', zone: 'zone-b' },
  ],
  storageClasses: [
    {
      name: 'zonal',
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
      isDefault: true,
    },
  ],
  csiDrivers: [{ name: 'ebs.csi.aws.com', attachRequired: true }],
};

/**
 * Places a pod with a claim, cordons its node and recreates the pod under the same name (as a
 * StatefulSet or CNPG does): 'rescheduled' when it runs on another node of its volume's zone,
 * 'pending' when no schedulable node is left there.
 */
async function rescheduleOutcome(seed: number): Promise<string> {
  const cluster = await startCluster({ preset: ZONAL, timeScale: 0.01, seed });
  try {
    const { core } = clientsFor(cluster);
    const namespace = 'default';
    const body: k8s.V1Pod = {
      metadata: { name: 'db-0' },
      spec: {
        containers: [{ name: 'db', image: 'postgres:17' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    };
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await core.createNamespacedPod({ namespace, body });
    const first = await until('db-0 to run', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'db-0' });
      return pod.status?.phase === 'Running' ? pod : undefined;
    });
    const node = first.spec!.nodeName!;
    await core.patchNode({ name: node, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    await core.deleteNamespacedPod({ namespace, name: 'db-0', gracePeriodSeconds: 0 });
    await core.createNamespacedPod({ namespace, body });
    return await until('the recreated pod to run elsewhere or be unschedulable', async () => {
      const pod = await core.readNamespacedPod({ namespace, name: 'db-0' });
      if (pod.status?.phase === 'Running' && pod.spec?.nodeName !== node) return 'rescheduled';
      const waiting = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      return waiting?.message?.includes('volume node affinity conflict') ? 'pending' : undefined;
    });
  } finally {
    await cluster.stop();
  }
}
