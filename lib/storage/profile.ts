/**
 * What kubexpect knows about a kind of storage: where its volumes can be used, what a drain does to
 * a pod that mounts one, and why kubexpect believes so.
 */

/** Where a volume can follow its pod: one host, one zone, anywhere in the cluster, or not known. */
export type Mobility = 'node' | 'zone' | 'cluster' | 'unknown';

/** What happens to a recreated pod when the node it ran on is drained (and stays cordoned). */
export type DrainOutcome = 'pending' | 'rescheduled' | 'either';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

export const ACCESS_MODES: readonly AccessMode[] = [
  'ReadWriteOnce',
  'ReadOnlyMany',
  'ReadWriteMany',
  'ReadWriteOncePod',
];
export const MOBILITIES: readonly Mobility[] = ['node', 'zone', 'cluster', 'unknown'];
export const DRAIN_OUTCOMES: readonly DrainOutcome[] = ['pending', 'rescheduled', 'either'];

/**
 * Which storage classes a profile describes. Every given field must match. `provisioner` and
 * `storageClass` accept `*` wildcards (`*.rbd.csi.ceph.com`); parameter keys compare
 * case-insensitively (CSI drivers such as Azure's read them so), values accept `*` too.
 */
export interface StorageProfileMatch {
  readonly provisioner?: string | readonly string[];
  readonly storageClass?: string | readonly string[];
  readonly parameters?: Readonly<Record<string, string>>;
}

/** Typical extra seconds a volume adds around a move; guidance for budgets, not bounds. */
export interface ExpectedDelays {
  /** Creating the volume for a new claim. */
  readonly provisioningSeconds: number;
  /** Detaching from the old node and attaching to the new one when the pod moves. */
  readonly attachDetachSeconds: number;
  /** How long a volume can stay attached to a node that went away (Multi-Attach errors meanwhile). */
  readonly multiAttachSeconds: number;
}

/** A description of storage, as a built-in table row or a user's own profile. */
export interface StorageProfile {
  readonly name: string;
  readonly match: StorageProfileMatch;
  readonly mobility: Mobility;
  /** Defaults from mobility: node → pending, cluster → rescheduled, zone/unknown → either. */
  readonly drainOutcome?: DrainOutcome;
  readonly accessModes?: readonly AccessMode[];
  readonly expansion?: boolean;
  readonly snapshots?: boolean;
  readonly delays?: Partial<ExpectedDelays>;
  /** Where the facts come from (a document, a source file, "my cluster's docs"). */
  readonly source?: string;
  readonly notes?: string;
}

/** Where a piece of evidence was found. */
export type EvidenceSource =
  | 'persistent-volume'
  | 'csi-node'
  | 'csi-driver'
  | 'storage-class'
  | 'volume-snapshot-class'
  | 'user-profile'
  | 'built-in-table'
  | 'default';

export interface Evidence {
  readonly source: EvidenceSource;
  /** A sentence a reader can check against the cluster or the cited source. */
  readonly detail: string;
}

/** A verdict and every piece of evidence behind it, strongest first. */
export interface Verdict<T> {
  readonly value: T;
  readonly evidence: readonly Evidence[];
}

/** What detection concluded about one storage class (or one claim's volume). */
export interface StorageVerdict {
  readonly storageClass: string;
  readonly provisioner: string;
  /** The profile that matched (user or built-in), if any. */
  readonly profile?: string;
  readonly mobility: Verdict<Mobility>;
  readonly drainOutcome: Verdict<DrainOutcome>;
  readonly accessModes: Verdict<readonly AccessMode[] | 'unknown'>;
  readonly expansion: Verdict<boolean | 'unknown'>;
  readonly snapshots: Verdict<boolean | 'unknown'>;
  readonly delays: ExpectedDelays;
  readonly volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  /** Disagreements between the table or a profile and the cluster, and how they were settled. */
  readonly notes: readonly string[];
}

export const NO_DELAYS: ExpectedDelays = {
  provisioningSeconds: 0,
  attachDetachSeconds: 0,
  multiAttachSeconds: 0,
};

export function drainOutcomeFor(mobility: Mobility): DrainOutcome {
  if (mobility === 'node') return 'pending';
  if (mobility === 'cluster') return 'rescheduled';
  return 'either';
}

/** Orders mobilities from most to least restrictive, for combining several volumes. */
export function mostRestrictive(a: Mobility, b: Mobility): Mobility {
  const rank: Record<Mobility, number> = { node: 0, zone: 1, unknown: 2, cluster: 3 };
  return rank[a] <= rank[b] ? a : b;
}

/** One line per verdict with its first piece of evidence, for failure messages and logs. */
export function formatStorageVerdict(v: StorageVerdict): string {
  const first = (e: readonly Evidence[]) => (e[0] ? ` (${e[0].source}: ${e[0].detail})` : '');
  const lines = [
    `storage class "${v.storageClass}" (provisioner ${v.provisioner}${v.profile ? `, profile ${v.profile}` : ''}):`,
    `  mobility: ${v.mobility.value}${first(v.mobility.evidence)}`,
    `  drain outcome: ${v.drainOutcome.value}${first(v.drainOutcome.evidence)}`,
  ];
  for (const note of v.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
