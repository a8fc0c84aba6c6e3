/**
 * The trajectory of one named object: every state a cache saw it in, oldest first, bounded. It
 * spans instances (a pod deleted and recreated under the same name keeps one trajectory with two
 * UIDs), which is what "rescheduled" and "came back" are decided from.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** How the state was learnt: the first list, a watch event, a relist after 410, or a poll. */
export type EntrySource = 'list' | 'watch' | 'relist' | 'poll';

/** ABSENT: the object did not exist when observation began. */
export type EntryType = 'ABSENT' | 'LISTED' | 'ADDED' | 'MODIFIED' | 'DELETED';

export interface TrajectoryEntry<T extends KubernetesObject = KubernetesObject> {
  /** Monotonic sequence across a cache: entries with a higher seq happened later. */
  seq: number;
  /** Wall-clock time (ms) the cache learnt of the state. */
  at: number;
  type: EntryType;
  via: EntrySource;
  uid?: string;
  resourceVersion?: string;
  phase?: string;
  nodeName?: string;
  /** Key conditions: type → status, with the reason when not True (`Unschedulable`). */
  conditions: Record<string, string>;
  deletionTimestamp?: string;
  /** The object as seen (undefined for ABSENT and DELETED). JSON, as the API sent it. */
  object: T | undefined;
}

interface Shape {
  metadata?: { uid?: string; resourceVersion?: string; deletionTimestamp?: unknown };
  spec?: { nodeName?: string; unschedulable?: boolean };
  status?: { phase?: string; conditions?: { type?: string; status?: string; reason?: string }[] };
}

function timestamp(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'string' ? v : undefined;
}

/** Builds an entry from an object (or its absence). */
export function entryOf<T extends KubernetesObject>(
  seq: number,
  type: EntryType,
  via: EntrySource,
  object: T | undefined,
  at = Date.now(),
): TrajectoryEntry<T> {
  const o = (object ?? {}) as Shape;
  const conditions: Record<string, string> = {};
  for (const c of o.status?.conditions ?? []) {
    if (!c.type) continue;
    conditions[c.type] = c.status === 'True' || !c.reason ? String(c.status) : `${c.status}:${c.reason}`;
  }
  if (o.spec?.unschedulable) conditions.Unschedulable = 'True';
  return {
    seq,
    at,
    type,
    via,
    uid: o.metadata?.uid,
    resourceVersion: o.metadata?.resourceVersion,
    phase: o.status?.phase,
    nodeName: o.spec?.nodeName,
    conditions,
    deletionTimestamp: timestamp(o.metadata?.deletionTimestamp),
    object: type === 'DELETED' || type === 'ABSENT' ? undefined : object,
  };
}

export class Trajectory<T extends KubernetesObject = KubernetesObject> {
  private readonly items: TrajectoryEntry<T>[] = [];
  /** Entries dropped to stay within the limit (the first entry is always kept). */
  dropped = 0;

  constructor(private readonly limit = 500) {}

  push(entry: TrajectoryEntry<T>): void {
    this.items.push(entry);
    if (this.items.length > this.limit) {
      this.items.splice(1, 1);
      this.dropped++;
    }
  }

  get entries(): readonly TrajectoryEntry<T>[] {
    return this.items;
  }

  get last(): TrajectoryEntry<T> | undefined {
    return this.items[this.items.length - 1];
  }

  /** The state at `seq` (the latest entry with seq ≤ it) followed by every later entry. */
  since(seq: number): TrajectoryEntry<T>[] {
    let start = 0;
    for (let i = 0; i < this.items.length; i++) if (this.items[i]!.seq <= seq) start = i;
    return this.items.slice(start);
  }
}

const short = (uid: string | undefined) => (uid ? uid.slice(0, 8) : '-');

/** One row of the compact table, e.g. `+0.512s  MODIFIED  watch  uid 1a2b3c4d  rv 57  Running  node=a  Ready=True`. */
export function formatEntry(e: TrajectoryEntry, origin: number): string {
  const t = e.at - origin;
  const time = `${t < 0 ? '-' : '+'}${(Math.abs(t) / 1000).toFixed(3)}s`;
  if (e.type === 'ABSENT') return `${time.padStart(9)}  ABSENT    ${e.via.padEnd(6)} (not found)`;
  const conds = Object.entries(e.conditions)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const parts = [
    time.padStart(9),
    e.type.padEnd(8),
    e.via.padEnd(6),
    `uid ${short(e.uid)}`,
    `rv ${e.resourceVersion ?? '-'}`,
  ];
  if (e.phase !== undefined) parts.push(e.phase);
  if (e.nodeName !== undefined || e.phase !== undefined) parts.push(`node=${e.nodeName || '-'}`);
  if (e.deletionTimestamp) parts.push('terminating');
  if (conds) parts.push(conds);
  return parts.join('  ');
}

/** The compact table of a trajectory; long ones keep the first rows and the last ones. */
export function formatTrajectory(entries: readonly TrajectoryEntry[], origin: number, maxRows = 20): string {
  if (entries.length === 0) return '    (no states observed)';
  const rows = entries.map((e) => `    ${formatEntry(e, origin)}`);
  if (rows.length <= maxRows) return rows.join('\n');
  const head = rows.slice(0, 3);
  const tail = rows.slice(rows.length - (maxRows - 4));
  return [...head, `    … ${rows.length - head.length - tail.length} more …`, ...tail].join('\n');
}
