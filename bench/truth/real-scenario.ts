/**
 * One drain scenario on a shared real control plane (kube-apiserver, etcd, kube-scheduler,
 * kube-controller-manager, kwok as the kubelets). The workload is a real one-replica StatefulSet
 * (the controller-manager recreates the evicted pod under the same name, as CloudNativePG does),
 * whose claim binds a static PV of a StorageClass made for the run: `kubernetes.io/no-provisioner`
 * and WaitForFirstConsumer, with PVs pinned to each node of the run's slot (hostname node affinity)
 * or one PV usable anywhere. The real scheduler and PV binder decide what happens.
 *
 * Kinds of run: `positive` drains the pod's node with drainNode; negative controls: `stays`
 * (cordon only: the pod is never evicted), `returns` (a set pinned to one node by a hostname
 * nodeSelector, evicted without a cordon: a new instance comes back to the same node whatever the
 * storage), `uncordoned` (evicted without a cordon: pinned storage brings it back, movable storage
 * lets the scheduler choose, so only the recorded trajectory says what is right).
 *
 * Ground truth: a second watch of the run's pods (its own connection) records every state the pod
 * passed through; the first decisive state of a new instance inside an assertion's window says
 * whether it should have passed (groundTruth, shared with the embedded harness).
 */
import type { V1Node, V1PersistentVolume, V1Pod } from '@kubernetes/client-node';
import { type Connection, cordon, drainNode, eventuallyPod, uncordon } from '../../lib/index.ts';
import { sleep } from '../support/stats.ts';
import {
  type Expected,
  groundTruth,
  naivePending,
  type RunResult,
  type RunSpec,
  type StorageBehaviour,
  type TruthEntry,
  type Verdict,
} from './scenario.ts';

export const REAL_NODES_PER_SLOT = 3;
export const REAL_SLOT_LABEL = 'truth.kubexpect.dev/slot';
const POD = 'db-0';

/** Budgets and polling in real milliseconds. */
export interface RealHarness {
  /** Used for everything: StatefulSets, drains, the elastic matcher, the naive poll. */
  conn: Connection;
  /** A separate connection for the ground-truth watch, so it never shares a socket with the assertions. */
  recorder: Connection;
  storage: StorageBehaviour;
  naivePollMs: number;
  naiveBudgetMs: number;
  elasticBudgetMs: number;
  /**
   * A pass is judged on the states the recorder saw up to this long after it: the recorder's watch
   * may deliver the state kubexpect passed on a little later than kubexpect's own watch did.
   */
  recorderLagMs: number;
}

export const slotNodeName = (slot: number, i: number): string => `s${slot}-worker-${i}`;

/** A worker node of a slot; kwok (--manage-all-nodes) makes it Ready and plays its kubelet. */
export function slotNode(slot: number, i: number): V1Node {
  const name = slotNodeName(slot, i);
  const capacity = { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        [REAL_SLOT_LABEL]: `s${slot}`,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: { providerID: `kwok://${name}` },
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: `172.19.${slot}.${i + 2}` },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

function volume(name: string, className: string, node: string | undefined): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'truth.kubexpect.dev/class': className } },
    spec: {
      storageClassName: className,
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      ...(node
        ? {
            local: { path: `/mnt/truth/${name}` },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
                ],
              },
            },
          }
        : { nfs: { server: 'nfs.truth.invalid', path: `/exports/${name}` } }),
    },
  };
}

interface PodShape {
  metadata?: { uid?: string; name?: string; deletionTimestamp?: unknown };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string }[] };
}

function entryOf(type: string, pod: PodShape): TruthEntry {
  const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return {
    at: performance.now(),
    type,
    uid: pod.metadata?.uid ?? '',
    node: pod.spec?.nodeName,
    phase: pod.status?.phase,
    unschedulable: sched?.status === 'False' && sched.reason === 'Unschedulable',
  };
}

async function until<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs: number,
  refresh?: () => Promise<void>,
): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error(`real truth harness: timed out waiting for ${what}`);
    await sleep(refresh ? 250 : 20);
  }
}

const DRAIN = { ignoreDaemonSets: true, deleteEmptyDirData: true, force: true, timeout: '60s' } as const;

/** Runs one scenario in its own namespace, on the nodes of `spec.slot`. */
/** A run's result, with when each step happened (ms since the elastic assertion began). */
export interface RealRunResult extends RunResult {
  timeline: {
    actionStart: number;
    actionEnd: number;
    /** The recorder's first decisive state of a new instance (any outcome), if any. */
    decisive: number | undefined;
    elasticSettled: number;
  };
}

export async function runRealScenario(h: RealHarness, spec: RunSpec): Promise<RealRunResult> {
  const { conn } = h;
  const pinnedStorage = h.storage === 'node-pinned';
  const tag = `${pinnedStorage ? 'pinned' : 'movable'}-${spec.index}`;
  const ns = `truth-${tag}`;
  const className = `truth-${tag}`;
  const nodes = Array.from({ length: REAL_NODES_PER_SLOT }, (_, i) => slotNodeName(spec.slot, i));
  const volumes = pinnedStorage
    ? nodes.map((n) => volume(`truth-${tag}-${n}`, className, n))
    : [volume(`truth-${tag}`, className, undefined)];

  await conn.call(`create namespace ${ns}`, () =>
    conn.core.createNamespace({ body: { metadata: { name: ns } } }),
  );
  await conn.call(`create StorageClass ${className}`, () =>
    conn.storage.createStorageClass({
      body: {
        metadata: { name: className },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Retain',
      },
    }),
  );
  await Promise.all(
    volumes.map((body) =>
      conn.call(`create PV ${body.metadata!.name}`, () => conn.core.createPersistentVolume({ body })),
    ),
  );

  const entries: TruthEntry[] = [];
  const recording = new AbortController();
  let recorderError: unknown;
  await h.recorder.watch(
    `/api/v1/namespaces/${ns}/pods`,
    {},
    (type, object) => {
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
        entries.push(entryOf(type, object as PodShape));
    },
    (err) => {
      recorderError = err ?? new Error('the recorder watch ended');
    },
    { signal: recording.signal },
  );

  // `returns`: the set is pinned to the slot's first node, so its new instance comes back there.
  const pinTo = spec.kind === 'returns' ? nodes[0] : undefined;
  let cordoned: string | undefined;
  let gone = false;
  try {
    await conn.call('create StatefulSet db', () =>
      conn.apps.createNamespacedStatefulSet({
        namespace: ns,
        body: {
          metadata: { name: 'db' },
          spec: {
            replicas: 1,
            serviceName: 'db',
            selector: { matchLabels: { app: 'db' } },
            template: {
              metadata: { labels: { app: 'db' } },
              spec: {
                nodeSelector: pinTo
                  ? { 'kubernetes.io/hostname': pinTo }
                  : { [REAL_SLOT_LABEL]: `s${spec.slot}` },
                terminationGracePeriodSeconds: 5,
                containers: [{ name: 'postgres', image: 'postgres:17' }],
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: className,
                  resources: { requests: { storage: '1Gi' } },
                },
              },
            ],
          },
        },
      }),
    );
    const running = await until(
      `pod ${ns}/${POD} to run`,
      () => {
        if (recorderError) throw recorderError;
        const last = entries.at(-1);
        return last && last.type !== 'DELETED' && last.phase === 'Running' && last.node ? last : undefined;
      },
      60_000,
    );
    const from = running.node!;
    const baseline = await conn.call(`read pod ${POD}`, () =>
      conn.core.readNamespacedPod({ namespace: ns, name: POD }),
    );
    const originalUid = baseline.metadata!.uid!;

    const elasticOf = () =>
      eventuallyPod(conn, ns, POD, { timeout: h.elasticBudgetMs, events: 0 }).toBeRescheduledOrPending({
        from,
        baseline: baseline as V1Pod,
        ...(spec.expect === 'auto' ? { expect: 'auto' as const } : {}),
      });
    let early: ReturnType<typeof elasticOf> | undefined;
    let elasticStart = performance.now();
    if (spec.assertBeforeDrain) {
      early = elasticOf();
      await early.observing;
    }
    const naive = naivePending(conn, ns, POD, h.naivePollMs, h.naiveBudgetMs);
    const actionStart = performance.now();
    if (spec.kind === 'positive') {
      cordoned = from;
      await drainNode(conn, from, DRAIN);
    } else if (spec.kind === 'stays') {
      cordoned = from;
      await cordon(conn, from);
    } else {
      // Evicted without a cordon, through the Eviction API as a drain would.
      await conn.call(`evict ${POD}`, () =>
        conn.core.createNamespacedPodEviction({
          namespace: ns,
          name: POD,
          body: { metadata: { name: POD, namespace: ns } },
        }),
      );
    }
    const actionEnd = performance.now();
    if (!early) elasticStart = actionEnd;
    const elastic = early ?? elasticOf();
    const elasticVerdict: Promise<Verdict> = elastic.then(
      (outcome) => ({ pass: true, kind: outcome.kind, settledAt: performance.now() }),
      (err: unknown) => ({
        pass: false,
        settledAt: performance.now(),
        message: (err as Error).message.split('\n').slice(0, 16).join(' | '),
      }),
    );
    const [n, e] = await Promise.all([naive, elasticVerdict]);
    // Let the recorder catch up with what the assertions saw before judging a pass.
    await sleep(h.recorderLagMs);
    if (recorderError) throw recorderError;
    const allowed: Expected = spec.expect === 'either' ? 'either' : pinnedStorage ? 'pending' : 'rescheduled';
    const truthAt = (v: Verdict, expected: Expected = 'either') =>
      groundTruth(entries, originalUid, from, v.pass ? v.settledAt + h.recorderLagMs : v.settledAt, expected)
        .outcome;
    const fresh = entries.filter((x) => x.uid !== originalUid);
    const created = fresh.find((x) => x.type === 'ADDED');
    const ran = fresh.find((x) => x.phase === 'Running');
    const end = Math.max(n.settledAt, e.settledAt);
    const since = (t: number) => Math.round(t - elasticStart);
    const decisive = groundTruth(entries, originalUid, from, Number.POSITIVE_INFINITY);
    return {
      ...spec,
      storage: h.storage,
      faults: false,
      drained: from,
      // A passing GET may see the state a little before the recorder's watch delivers it: the same
      // allowance as kubexpect's passes.
      naive: {
        ...n,
        truth: groundTruth(entries, originalUid, from, n.pass ? end + h.recorderLagMs : end).outcome,
      },
      elastic: { ...e, truth: truthAt(e, allowed) },
      pendingWindowMs: created && ran ? Math.round(ran.at - created.at) : undefined,
      timeline: {
        actionStart: since(actionStart),
        actionEnd: since(actionEnd),
        decisive: decisive.at === undefined ? undefined : since(decisive.at),
        elasticSettled: since(e.settledAt),
      },
    };
  } finally {
    recording.abort();
    if (cordoned) await uncordon(conn, cordoned).catch(() => undefined);
    // The next run of the slot drains the same nodes: this run's pod goes first (its namespace,
    // class and PVs go in the background).
    await conn.core.deleteNamespace({ name: ns }).catch(() => undefined);
    await until(
      `pod ${ns}/${POD} to be gone`,
      () => (gone ? true : undefined),
      60_000,
      async () => {
        gone =
          (await conn.core.readNamespacedPod({ namespace: ns, name: POD }).catch(() => undefined)) ===
          undefined;
      },
    ).catch(() => undefined);
    void conn.storage.deleteStorageClass({ name: className }).catch(() => undefined);
    for (const v of volumes) {
      void conn.core.deletePersistentVolume({ name: v.metadata!.name! }).catch(() => undefined);
    }
  }
}
