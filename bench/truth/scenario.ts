/**
 * One drain scenario on a shared embedded cluster: a pod on a PVC runs on a node of its slot; the
 * node is cordoned and the pod evicted; the workload recreates it. Storage pinned to the node
 * leaves the new instance Pending (Unschedulable); storage that follows the pod lets it start on
 * another node of the slot after detach and attach. Negative controls: the pod is never evicted
 * (`stays`), a buggy operator puts the new instance back on the drained node (`returns`), or the
 * pod is evicted without the cordon (`uncordoned`: pinned storage brings it back to the same node;
 * movable storage lets the scheduler choose, so only the recorded trajectory says what is right).
 *
 * Two assertions judge each run: the naive one CNPG used to write (GET the pod every 5 s, pass on
 * phase Pending) and `toBeRescheduledOrPending`. Ground truth is what the simulator did: a
 * server-side watch records every state the pod passed through, and the first decisive state of
 * a new instance inside each assertion's window says whether it should have passed.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { type Connection, eventuallyPod } from '../../lib/index.ts';
import { CEPH_RBD, type Cluster, LOCAL_PATH, type Preset } from '../../lib/sim/index.ts';
import { sleep } from '../support/stats.ts';
import type { PodRecreator, PodTemplate } from './recreator.ts';

export type StorageBehaviour = 'node-pinned' | 'movable';
export type RunKind = 'positive' | 'stays' | 'returns' | 'uncordoned';

export interface TruthConfig {
  storage: StorageBehaviour;
  faults: boolean;
  /** Realistic ms a volume takes to attach on the new node (movable storage): the delay knob. */
  attachMs: { min: number; max: number };
  timeScale: number;
  slots: number;
}

export const NODES_PER_SLOT = 3;
export const SLOT_LABEL = 'truth.kubexpect.dev/slot';
const CLASS = 'truth';

/** The cluster for one configuration: NODES_PER_SLOT workers per slot, one storage class. */
export function truthPreset(config: TruthConfig): Preset {
  const nodes = Array.from({ length: config.slots * NODES_PER_SLOT }, (_, i) => {
    const slot = Math.floor(i / NODES_PER_SLOT);
    return { name: `s${slot}-worker-${i % NODES_PER_SLOT}`, labels: { [SLOT_LABEL]: `s${slot}` } };
  });
  const movable = config.storage === 'movable';
  return {
    name: `truth ${config.storage}`,
    nodes,
    storageClasses: [
      {
        name: CLASS,
        provisioner: movable ? CEPH_RBD.name : LOCAL_PATH.name,
        volumeBindingMode: movable ? 'Immediate' : 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        isDefault: true,
      },
    ],
    csiDrivers: movable ? [{ name: CEPH_RBD.name, attachRequired: true }] : [],
    // Keep the fixed steps short (image pulls happen once per node; the kubelet's unmount before a
    // detach, the sandbox) so the attach time drawn per configuration leads the reschedule delay.
    latencies: { imagePull: { min: 300, max: 900 }, sandbox: { min: 200, max: 600 } },
    storage: {
      unmount: { min: 200, max: 1000 },
      provisioners: [
        {
          ...CEPH_RBD,
          latency: { ...CEPH_RBD.latency, attach: config.attachMs, detach: { min: 300, max: 1200 } },
        },
      ],
    },
  };
}

/** One state of the pod, as the server stored it. */
export interface TruthEntry {
  at: number;
  type: string;
  uid: string;
  node: string | undefined;
  phase: string | undefined;
  unschedulable: boolean;
}

/** `disallowed`: a legitimate outcome, but not the one the storage allows (for `expect: 'auto'`). */
export type TruthOutcome = 'pending' | 'rescheduled' | 'returned' | 'stayed' | 'disallowed';

/** Which outcome a run's assertion accepts: either, or the one the storage allows. */
export type Expected = 'either' | 'pending' | 'rescheduled';

/**
 * What the simulator did within [start, until]: the first decisive state of a new instance. When
 * only `rescheduled` is expected, an Unschedulable moment is not decisive (the pod may still move);
 * when only `pending` is, a new instance bound elsewhere is `disallowed`.
 */
export function groundTruth(
  entries: readonly TruthEntry[],
  originalUid: string,
  drained: string,
  until: number,
  expected: Expected = 'either',
): { outcome: TruthOutcome; at: number | undefined } {
  for (const e of entries) {
    if (e.at > until) break;
    if (e.uid === originalUid || e.type === 'DELETED') continue;
    if (e.node === drained) return { outcome: 'returned', at: e.at };
    if (e.node) return { outcome: expected === 'pending' ? 'disallowed' : 'rescheduled', at: e.at };
    if (e.unschedulable && expected !== 'rescheduled') return { outcome: 'pending', at: e.at };
  }
  return { outcome: 'stayed', at: undefined };
}

export const legitimate = (o: TruthOutcome): boolean => o === 'pending' || o === 'rescheduled';

export interface Verdict {
  pass: boolean;
  /** For the elastic matcher: the outcome kind it reported. */
  kind?: string;
  settledAt: number;
  message?: string;
}

/** The naive assertion: GET the pod every `pollMs`, pass when its phase is Pending. */
export async function naivePending(
  conn: Connection,
  namespace: string,
  name: string,
  pollMs: number,
  budgetMs: number,
): Promise<Verdict> {
  const end = performance.now() + budgetMs;
  for (;;) {
    try {
      const pod = await conn.core.readNamespacedPod({ namespace, name });
      if (pod.status?.phase === 'Pending') return { pass: true, settledAt: performance.now() };
    } catch {
      // Not found (between instances) or an injected error: Gomega's Eventually retries too.
    }
    if (performance.now() + pollMs > end) return { pass: false, settledAt: performance.now() };
    await sleep(pollMs);
  }
}

export interface RunSpec {
  index: number;
  slot: number;
  kind: RunKind;
  /** Start the elastic assertion before the drain (awaiting `observing`) or right after it. */
  assertBeforeDrain: boolean;
  /**
   * `either`: toBeRescheduledOrPending({ from, baseline }); `auto`: with expect: 'auto', which asks
   * the storage profile (lib/storage) which outcome this pod's storage allows, as the sample specs do.
   */
  expect: 'either' | 'auto';
}

export interface RunResult extends RunSpec {
  storage: StorageBehaviour;
  faults: boolean;
  drained: string;
  naive: Verdict & { truth: TruthOutcome };
  elastic: Verdict & { truth: TruthOutcome };
  /** Realistic ms the new instance spent Pending before Running (movable storage), when it ran. */
  pendingWindowMs: number | undefined;
}

export interface Harness {
  cluster: Cluster;
  conn: Connection;
  recreator: PodRecreator;
  config: TruthConfig;
  /** Budgets in real ms. */
  naivePollMs: number;
  naiveBudgetMs: number;
  elasticBudgetMs: number;
}

const podsOf = (cluster: Cluster) => cluster.api.resource('', 'pods');

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error(`truth harness: timed out waiting for ${what}`);
    await sleep(5);
  }
}

interface PodShape {
  metadata: { uid?: string; name?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string }[] };
}

function entryOf(type: string, pod: PodShape): TruthEntry {
  const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return {
    at: performance.now(),
    type,
    uid: pod.metadata.uid ?? '',
    node: pod.spec?.nodeName,
    phase: pod.status?.phase,
    unschedulable: sched?.status === 'False' && sched.reason === 'Unschedulable',
  };
}

export async function runScenario(h: Harness, spec: RunSpec): Promise<RunResult> {
  const { cluster, recreator } = h;
  const api = cluster.api;
  const ns = `truth-${spec.index}`;
  const name = 'db';
  api.create(api.resource('', 'namespaces'), undefined, { metadata: { name: ns } });
  // Pods are refused until the namespace's default ServiceAccount exists, as on a real cluster; on a
  // busy machine its controller can take a while to get there.
  await waitFor(
    `the default ServiceAccount of ${ns}`,
    () => api.find(api.resource('', 'serviceaccounts'), ns, 'default'),
    60_000,
  );
  api.create(api.resource('', 'persistentvolumeclaims'), ns, {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: CLASS,
      resources: { requests: { storage: '1Gi' } },
    },
  });
  const template: PodTemplate = {
    metadata: { name, labels: { app: 'db' } },
    spec: {
      nodeSelector: { [SLOT_LABEL]: `s${spec.slot}` },
      containers: [{ name: 'postgres', image: 'postgres:17' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    },
  };
  recreator.workloads.set(ns, { template, pin: spec.kind === 'returns' });
  api.create(podsOf(cluster), ns, template);
  const entries: TruthEntry[] = [];
  const watch = api.watch(podsOf(cluster), ns, {}, (event) => {
    if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
      entries.push(entryOf(event.type, event.object as PodShape));
  });
  let drained: string | undefined;
  try {
    const running = await waitFor(
      `pod ${ns}/${name} to run`,
      () => {
        const pod = api.find(podsOf(cluster), ns, name) as PodShape | undefined;
        return pod?.status?.phase === 'Running' ? pod : undefined;
      },
      30_000,
    );
    drained = running.spec!.nodeName!;
    const from = drained;
    const baseline = running as unknown as V1Pod;
    const originalUid = running.metadata.uid!;

    const elasticOf = () =>
      eventuallyPod(h.conn, ns, name, { timeout: h.elasticBudgetMs, events: 0 }).toBeRescheduledOrPending({
        from,
        baseline,
        ...(spec.expect === 'auto' ? { expect: 'auto' as const } : {}),
      });
    let early: ReturnType<typeof elasticOf> | undefined;
    if (spec.assertBeforeDrain) {
      early = elasticOf();
      await early.observing;
    }
    const naive = naivePending(h.conn, ns, name, h.naivePollMs, h.naiveBudgetMs);
    // The drain: cordon, then evict (a deletion with the pod's grace period, as without a PDB).
    if (spec.kind !== 'uncordoned') {
      api.patch(api.resource('', 'nodes'), undefined, from, 'application/merge-patch+json', {
        spec: { unschedulable: true },
      });
    }
    if (spec.kind !== 'stays') api.delete(podsOf(cluster), ns, name);
    const elastic = early ?? elasticOf();
    const elasticVerdict: Promise<Verdict> = elastic.then(
      (outcome) => ({ pass: true, kind: outcome.kind, settledAt: performance.now() }),
      (err: unknown) => ({
        pass: false,
        settledAt: performance.now(),
        message: (err as Error).message.split('\n').slice(0, 2).join(' | '),
      }),
    );
    const [n, e] = await Promise.all([naive, elasticVerdict]);
    // The elastic matcher is judged on what happened before it settled; the naive assertion's claim
    // ("the pod goes Pending") on whether the run's behaviour was legitimate at all.
    const allowed: Expected =
      spec.expect === 'either' ? 'either' : h.config.storage === 'node-pinned' ? 'pending' : 'rescheduled';
    const truthUntil = (t: number, expected: Expected = 'either') =>
      groundTruth(entries, originalUid, from, t, expected).outcome;
    const end = Math.max(n.settledAt, e.settledAt);
    // Keep recording until a new instance runs (or a minute, scaled), so its Pending time is known.
    if (spec.kind !== 'stays' && h.config.storage === 'movable') {
      await waitFor(
        'a new instance to run',
        () => (entries.some((x) => x.uid !== originalUid && x.phase === 'Running') ? true : undefined),
        // At least 10 s of wall time: at a small time scale a busy machine, not the scale, sets the pace.
        Math.max(10_000, 60_000 * h.config.timeScale),
      ).catch(() => undefined);
    }
    // Any instance other than the original that ran: how long it was Pending first.
    const fresh = entries.filter((x) => x.uid !== originalUid);
    const created = fresh.find((x) => x.type === 'ADDED');
    const ran = fresh.find((x) => x.phase === 'Running');
    return {
      ...spec,
      storage: h.config.storage,
      faults: h.config.faults,
      drained: from,
      naive: { ...n, truth: truthUntil(end) },
      elastic: { ...e, truth: truthUntil(e.settledAt, allowed) },
      pendingWindowMs: created && ran ? Math.round((ran.at - created.at) / h.config.timeScale) : undefined,
    };
  } finally {
    watch.stop();
    recreator.workloads.delete(ns);
    try {
      api.delete(api.resource('', 'namespaces'), undefined, ns);
    } catch {
      // Already going.
    }
    if (drained) {
      api.patch(api.resource('', 'nodes'), undefined, drained, 'application/merge-patch+json', {
        spec: { unschedulable: false },
      });
    }
  }
}
