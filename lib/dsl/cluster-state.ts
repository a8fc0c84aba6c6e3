/**
 * What a failure report shows of a namespace: its pods, claims, the volumes behind them, the nodes
 * and the latest events, read through the API when the spec fails.
 */
import type * as k8s from '@kubernetes/client-node';
import { Connection } from '../client/index.ts';
import { type ClaimStorage, storageForClaim } from '../storage/index.ts';
import { acquireCache, formatTrajectory, NODES, PODS, PVCS, type ResourceKind } from '../observe/index.ts';
import { DeferCleanup } from './cleanup.ts';
import { currentScope, type DiagnosticSource } from './scope.ts';

const EVENT_LIMIT = 40;
/** A report file has room for longer trajectories than a failure message. */
const REPORT_TRAJECTORY_ROWS = 80;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function time(t: Date | string | undefined): string {
  if (!t) return '-';
  return new Date(t as string).toISOString().slice(11, 23);
}

function podRow(pod: k8s.V1Pod): string[] {
  const conditions = pod.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready')?.status ?? '-';
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  const why =
    scheduled?.status === 'False'
      ? `${scheduled.reason ?? ''}: ${scheduled.message ?? ''}`
      : (pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason ?? '');
  return [
    pod.metadata?.name ?? '?',
    pod.metadata?.deletionTimestamp
      ? `${pod.status?.phase ?? '?'} (terminating)`
      : (pod.status?.phase ?? '?'),
    ready,
    pod.spec?.nodeName ?? '-',
    pod.metadata?.uid?.slice(0, 8) ?? '-',
    pod.metadata?.labels?.['cnpg.io/instanceRole'] ?? '',
    why,
  ];
}

function pvNodes(pv: k8s.V1PersistentVolume): string {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const parts = terms.flatMap((t) =>
    (t.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join(',')}`),
  );
  return parts.join('; ') || '(any node)';
}

function nodeRow(node: k8s.V1Node): string[] {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '-';
  const taints = (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return [
    node.metadata?.name ?? '?',
    ready,
    node.spec?.unschedulable ? 'no (cordoned)' : 'yes',
    taints.join(', '),
  ];
}

/** Reads the namespace's state as text sections. */
export async function describeNamespaceState(conn: Connection, namespace: string): Promise<string> {
  const sections: string[] = [];
  const [pods, claims, volumes, nodes, events] = await Promise.all([
    conn.core.listNamespacedPod({ namespace }).then((l) => l.items),
    conn.core.listNamespacedPersistentVolumeClaim({ namespace }).then((l) => l.items),
    conn.core.listPersistentVolume().then((l) => l.items),
    conn.core.listNode().then((l) => l.items),
    conn.core.listNamespacedEvent({ namespace }).then((l) => l.items),
  ]);
  const byName = (a: { metadata?: { name?: string } }, b: { metadata?: { name?: string } }) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  sections.push(
    `### Pods in ${namespace}`,
    table(['NAME', 'PHASE', 'READY', 'NODE', 'UID', 'ROLE', 'WHY'], [...pods].sort(byName).map(podRow)),
  );
  sections.push(
    '',
    `### PersistentVolumeClaims in ${namespace}`,
    table(
      ['NAME', 'PHASE', 'VOLUME', 'CLASS', 'UID', 'SELECTED NODE'],
      [...claims]
        .sort(byName)
        .map((c) => [
          c.metadata?.name ?? '?',
          c.metadata?.deletionTimestamp
            ? `${c.status?.phase ?? '?'} (terminating)`
            : (c.status?.phase ?? '?'),
          c.spec?.volumeName ?? '-',
          c.spec?.storageClassName ?? '-',
          c.metadata?.uid?.slice(0, 8) ?? '-',
          c.metadata?.annotations?.['volume.kubernetes.io/selected-node'] ?? '-',
        ]),
    ),
  );
  const claimed = volumes.filter((v) => v.spec?.claimRef?.namespace === namespace);
  sections.push(
    '',
    `### PersistentVolumes bound to claims in ${namespace}`,
    table(
      ['NAME', 'CLAIM', 'PHASE', 'NODE AFFINITY'],
      claimed
        .sort(byName)
        .map((v) => [
          v.metadata?.name ?? '?',
          v.spec?.claimRef?.name ?? '-',
          v.status?.phase ?? '?',
          pvNodes(v),
        ]),
    ),
  );
  sections.push(
    '',
    '### Nodes',
    table(['NAME', 'READY', 'SCHEDULABLE', 'TAINTS'], [...nodes].sort(byName).map(nodeRow)),
  );
  const recent = events
    .map((e) => ({
      e,
      at: new Date((e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? 0) as unknown as string).getTime(),
    }))
    .sort((a, b) => a.at - b.at)
    .slice(-EVENT_LIMIT);
  sections.push(
    '',
    `### Events in ${namespace} (latest ${EVENT_LIMIT})`,
    table(
      ['TIME', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      recent.map(({ e, at }) => [
        time(new Date(at)),
        e.type ?? '',
        e.reason ?? '',
        `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
        (e.message ?? '').replace(/\s+/g, ' '),
      ]),
    ),
  );
  return sections.join('\n');
}

/** Records the trajectories of every object of the given kinds, from now until the scope ends. */
function watchTrajectories(
  conn: Connection,
  namespace: string,
  kinds: readonly ResourceKind[],
): DiagnosticSource {
  const watched = kinds.map((kind) => {
    const cache = acquireCache(conn, kind, kind.namespaced ? namespace : undefined);
    const keys = new Set<string>(cache.list().map((o) => cache.keyOf(o)));
    const unsubscribe = cache.subscribe((change) => {
      if (change) keys.add(change.key);
    });
    return { kind, cache, keys, unsubscribe };
  });
  DeferCleanup(() => {
    for (const w of watched) {
      w.unsubscribe();
      w.cache.release();
    }
  });
  return {
    title: `Trajectories (times relative to the start of the failed node; namespace ${namespace})`,
    collect: async ({ since }) => {
      const parts: string[] = [];
      for (const w of watched) {
        for (const o of w.cache.list()) w.keys.add(w.cache.keyOf(o));
        for (const key of [...w.keys].sort()) {
          const entries = w.cache.trajectory(key).entries;
          parts.push(`${w.kind.plural}/${key}:`, formatTrajectory(entries, since, REPORT_TRAJECTORY_ROWS));
        }
      }
      return parts.join('\n') || '(nothing observed)';
    },
  };
}

const MOBILITY_WORDS: Record<string, string> = {
  node: 'volumes are pinned to one node',
  zone: 'volumes can follow their pod within its zone',
  cluster: 'volumes can follow their pod to any node',
  unknown: 'whether volumes can follow their pod is unknown',
};
const DRAIN_WORDS: Record<string, string> = {
  pending: 'a drained pod is expected to wait Pending for its node',
  rescheduled: 'a drained pod is expected to be rescheduled on another node',
  either: 'a drained pod may wait Pending or be rescheduled',
};

function claimLine(c: ClaimStorage): string {
  const evidence = c.mobility.evidence[0];
  const usable = c.usableOn ? `, usable on ${c.usableOn.join(', ') || 'no node'}` : '';
  return `${c.claim}: class "${c.storageClass}" (${c.provisioner}${c.profile ? `, profile ${c.profile}` : ''})${c.volume ? `, volume ${c.volume}${usable}` : ', not bound'}; mobility ${c.mobility.value}${evidence ? ` (${evidence.source}: ${evidence.detail})` : ''}; on drain: ${c.drainOutcome.value}`;
}

/** The storage behind the namespace's claims: what explains "Pending" versus "moved". */
function storageDiagnostics(conn: Connection, namespace: string): DiagnosticSource {
  const verdicts = async (): Promise<ClaimStorage[]> => {
    const claims = (await conn.core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    const names = claims.map((c) => c.metadata?.name ?? '').sort();
    return Promise.all(names.map((n) => storageForClaim(conn, namespace, n)));
  };
  return {
    title: `Storage behind the claims in ${namespace}`,
    collect: async () => {
      const all = await verdicts();
      return all.length === 0 ? '(no claims)' : all.map(claimLine).join('\n');
    },
    summarize: async () => {
      const byClass = new Map<string, ClaimStorage>();
      for (const v of await verdicts()) if (!byClass.has(v.storageClass)) byClass.set(v.storageClass, v);
      const lines = [...byClass.values()].map((v) => {
        const evidence = v.mobility.evidence[0];
        return `storage: class "${v.storageClass}" (${v.provisioner}): ${MOBILITY_WORDS[v.mobility.value] ?? v.mobility.value}${evidence ? ` (${evidence.detail})` : ''}; ${DRAIN_WORDS[v.drainOutcome.value] ?? v.drainOutcome.value}`;
      });
      return lines.length > 0 ? lines.join('\n  ') : undefined;
    },
  };
}

export interface DiagnoseOptions {
  /** Kinds whose objects' trajectories are recorded, in addition to pods, PVCs and nodes. */
  readonly watch?: readonly ResourceKind[];
}

/**
 * Adds to the failure report of the running scope either a DiagnosticSource, or, for a connection
 * and namespace: the trajectories of its pods, PVCs and the nodes (recorded from now on, so states
 * that came and went show up), the state of its pods, claims, volumes, nodes and events when the
 * failure happened, and the storage behind its claims (summarised in the error too). From BeforeAll it covers every spec of the container; from a spec or
 * BeforeEach, that spec.
 */
export function DiagnoseOnFailure(source: DiagnosticSource): void;
export function DiagnoseOnFailure(conn: Connection, namespace: string, options?: DiagnoseOptions): void;
export function DiagnoseOnFailure(
  source: DiagnosticSource | Connection,
  namespace?: string,
  options: DiagnoseOptions = {},
): void {
  const scope = currentScope('DiagnoseOnFailure');
  if (!(source instanceof Connection)) {
    scope.diagnostics.push(source);
    return;
  }
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError('DiagnoseOnFailure(conn, namespace): the namespace must be a non-empty string');
  }
  scope.diagnostics.push(watchTrajectories(source, namespace, [PODS, PVCS, NODES, ...(options.watch ?? [])]));
  scope.diagnostics.push({
    title: `Cluster state when the report was taken (namespace ${namespace})`,
    collect: () => describeNamespaceState(source, namespace),
  });
  scope.diagnostics.push(storageDiagnostics(source, namespace));
}
