/**
 * Detection on a real control plane: a one-replica StatefulSet on pinned or movable storage is
 * drained with drainNode; kubexpect's toBeRescheduledOrPending({ expect: 'auto' }) and polling
 * loops (a GET every 1 s and every 5 s, judging the same thing: a new instance Unschedulable, or
 * bound to another node) watch for the outcome, all started before the drain. Each is timed from
 * the drain's last write (the eviction's response) to its verdict, and each one's API requests are
 * counted: every request of the process is attributed, through an AsyncLocalStorage context, to
 * the party whose code made it (kubexpect's shared watch cache included, since the assertion
 * opens it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { V1Pod } from '@kubernetes/client-node';
import { type Connection, drainNode, eventuallyPod, uncordon } from '../../lib/index.ts';
import { sleep } from '../support/stats.ts';

export type Party = 'kubexpect' | 'poll 1 s' | 'poll 5 s' | 'drain' | 'setup';
export const POLLERS = [
  { party: 'poll 1 s', intervalMs: 1000 },
  { party: 'poll 5 s', intervalMs: 5000 },
] as const;

const context = new AsyncLocalStorage<Party>();
const counts = new Map<Party, number>();
let evictionAnsweredAt: number | undefined;

const kubexpectRequests: string[] = [];

subscribe('http.client.request.start', (message) => {
  const party = context.getStore();
  if (party) counts.set(party, (counts.get(party) ?? 0) + 1);
  if (party === 'kubexpect') {
    const { request } = message as { request: ClientRequest };
    kubexpectRequests.push(
      `${request.method} ${request.path.split('?')[0]}${request.path.includes('watch=true') ? ' (watch)' : ''}`,
    );
  }
});
subscribe('http.client.response.finish', (message) => {
  const { request } = message as { request: ClientRequest };
  if (context.getStore() === 'drain' && request.method === 'POST' && request.path.includes('/eviction')) {
    evictionAnsweredAt = performance.now();
  }
});

export interface DetectionSample {
  storage: 'pinned' | 'movable';
  outcome: string;
  /** ms from the eviction's answer (the drain's last write) to each party's verdict. */
  afterLastWriteMs: Record<'kubexpect' | 'poll 1 s' | 'poll 5 s', number>;
  /** API requests each party made from its start (before the drain) to its verdict. */
  requests: Record<'kubexpect' | 'poll 1 s' | 'poll 5 s', number>;
  /** kubexpect's requests, as method and path. */
  kubexpectRequests: string[];
}

/** A poll that judges what toBeRescheduledOrPending judges, from one GET every `intervalMs`. */
async function poll(
  conn: Connection,
  namespace: string,
  name: string,
  from: string,
  originalUid: string,
  intervalMs: number,
  offsetMs: number,
): Promise<number> {
  await sleep(offsetMs);
  const end = performance.now() + 120_000;
  for (;;) {
    const pod = await conn.core.readNamespacedPod({ namespace, name }).catch(() => undefined);
    if (pod && pod.metadata?.uid !== originalUid) {
      const sched = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      const pending = sched?.status === 'False' && sched.reason === 'Unschedulable';
      const moved = pod.spec?.nodeName !== undefined && pod.spec.nodeName !== from;
      if (pending || moved) return performance.now();
    }
    if (performance.now() > end) throw new Error(`poll every ${intervalMs} ms: no outcome within 120 s`);
    await sleep(intervalMs);
  }
}

/** One sample in a fresh namespace; `kx` is the connection kubexpect's assertions use. */
export async function detectionSample(
  ctl: Connection,
  kx: Connection,
  index: number,
  storage: 'pinned' | 'movable',
  storageClassName: string,
): Promise<DetectionSample> {
  const ns = `detect-${storage}-${index}`;
  const name = 'db-0';
  await ctl.core.createNamespace({ body: { metadata: { name: ns } } });
  await ctl.apps.createNamespacedStatefulSet({
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
            terminationGracePeriodSeconds: 5,
            containers: [{ name: 'postgres', image: 'postgres:17' }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName,
              resources: { requests: { storage: '1Gi' } },
            },
          },
        ],
      },
    },
  });
  await context.run('setup', () => eventuallyPod(ctl, ns, name, { timeout: '2m' }).toBeReady());
  const baseline: V1Pod = await ctl.core.readNamespacedPod({ namespace: ns, name });
  const from = baseline.spec!.nodeName!;
  const uid = baseline.metadata!.uid!;
  counts.clear();
  kubexpectRequests.length = 0;
  evictionAnsweredAt = undefined;
  try {
    const verdictAt = new Map<Party, number>();
    const assertion = context.run('kubexpect', () =>
      eventuallyPod(kx, ns, name, { timeout: '2m', events: 0 }).toBeRescheduledOrPending({
        from,
        baseline,
        expect: 'auto',
      }),
    );
    await assertion.observing;
    let kxRequests = 0;
    let kxPaths: string[] = [];
    const kxDone = assertion.then((outcome) => {
      verdictAt.set('kubexpect', performance.now());
      kxRequests = counts.get('kubexpect') ?? 0;
      kxPaths = [...kubexpectRequests];
      return outcome;
    });
    const polls = POLLERS.map(({ party, intervalMs }) =>
      context
        .run(party, () => poll(ctl, ns, name, from, uid, intervalMs, Math.random() * intervalMs))
        .then((at) => {
          verdictAt.set(party, at);
        }),
    );
    await context.run('drain', () =>
      drainNode(ctl, from, { ignoreDaemonSets: true, deleteEmptyDirData: true, force: true, timeout: '2m' }),
    );
    const [outcome] = await Promise.all([kxDone, ...polls]);
    const last = evictionAnsweredAt;
    if (last === undefined) throw new Error('detection: the eviction request was not seen');
    const after = (p: Party) => Math.round((verdictAt.get(p)! - last) * 100) / 100;
    const requests = (p: Party) => counts.get(p) ?? 0;
    return {
      storage,
      outcome: outcome.kind,
      afterLastWriteMs: {
        kubexpect: after('kubexpect'),
        'poll 1 s': after('poll 1 s'),
        'poll 5 s': after('poll 5 s'),
      },
      requests: {
        kubexpect: kxRequests,
        'poll 1 s': requests('poll 1 s'),
        'poll 5 s': requests('poll 5 s'),
      },
      kubexpectRequests: kxPaths,
    };
  } finally {
    await uncordon(ctl, from).catch(() => undefined);
    void ctl.core.deleteNamespace({ name: ns }).catch(() => undefined);
  }
}
