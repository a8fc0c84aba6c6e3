/**
 * What a failure report shows of a namespace when the spec failed: its pods, claims, the volumes
 * behind them, the nodes and the latest events, read through the API.
 */
import type * as k8s from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';

const EVENT_LIMIT = 40;

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
