/**
 * From what was read off the cluster to a verdict. Evidence ranks: provisioned PVs, then CSI
 * topology, then the class's allowedTopologies, then a user profile, then the built-in table. An
 * unknown provisioner with no evidence stays 'unknown'.
 */
import type { V1CSIDriver, V1Node, V1PersistentVolume, V1StorageClass } from '@kubernetes/client-node';
import {
  type AccessMode,
  type DrainOutcome,
  drainOutcomeFor,
  type Evidence,
  type ExpectedDelays,
  type Mobility,
  NO_DELAYS,
  type StorageVerdict,
  type Verdict,
} from './profile.ts';
import { findStorageProfile, type MatchedProfile } from './registry.ts';
import {
  keyScope,
  mobilityRank,
  type Observed,
  observeTopologyKeys,
  observeVolume,
} from './volume-topology.ts';

/** Everything detection reads for one class. Optional parts were absent or unreadable. */
export interface StorageFacts {
  readonly storageClass: V1StorageClass;
  /** PVs whose spec.storageClassName is this class. */
  readonly persistentVolumes: readonly V1PersistentVolume[];
  readonly nodes: readonly V1Node[];
  readonly csiDriver?: V1CSIDriver;
  /** This driver's entries on CSINode objects. */
  readonly csiNodes?: readonly { node: string; keys: readonly string[] }[];
  /**
   * Drivers that have a VolumeSnapshotClass; `'not-served'` when the snapshot API is not installed,
   * undefined when it could not be read.
   */
  readonly snapshotDrivers?: readonly string[] | 'not-served';
}

export function classifyStorage(facts: StorageFacts): StorageVerdict {
  const sc = facts.storageClass;
  const name = sc.metadata?.name ?? '(unnamed)';
  const provisioner = sc.provisioner;
  const matched = findStorageProfile({ name, provisioner, parameters: sc.parameters ?? {} });
  const notes: string[] = [];

  const mobility = decideMobility(facts, matched, notes);
  const drainOutcome = decideDrainOutcome(mobility, matched, notes);
  return {
    storageClass: name,
    provisioner,
    ...(matched ? { profile: matched.profile.name } : {}),
    mobility,
    drainOutcome,
    accessModes: decideAccessModes(facts, matched),
    expansion: decideExpansion(sc, matched, notes),
    snapshots: decideSnapshots(facts, matched, notes),
    delays: decideDelays(facts, matched, mobility.value),
    volumeBindingMode: sc.volumeBindingMode === 'WaitForFirstConsumer' ? 'WaitForFirstConsumer' : 'Immediate',
    notes,
  };
}

function profileEvidence(m: MatchedProfile, what: string): Evidence {
  if (m.origin === 'built-in') {
    return {
      source: 'built-in-table',
      detail: `row ${m.profile.name} says ${what} (${m.profile.source ?? 'no source'})`,
    };
  }
  const where = m.origin === 'file' ? `from ${m.location}` : 'registered in code';
  return { source: 'user-profile', detail: `profile ${m.profile.name} (${where}) says ${what}` };
}

function decideMobility(
  facts: StorageFacts,
  matched: MatchedProfile | undefined,
  notes: string[],
): Verdict<Mobility> {
  const sc = facts.storageClass;
  const evidence: Evidence[] = [];
  let decided: { mobility: Mobility; source: Evidence['source']; evidence: Evidence } | undefined;
  const offer = (mobility: Mobility, e: Evidence) => {
    if (!decided && mobility !== 'unknown') decided = { mobility, source: e.source, evidence: e };
    else evidence.push(e);
  };

  const observed = facts.persistentVolumes.map((pv) => observeVolume(pv, facts.nodes));
  if (observed.length > 0) {
    const combined = combineVolumes(observed);
    offer(combined.mobility, { source: 'persistent-volume', detail: combined.detail });
  }
  const topo = observeTopologyKeys(sc.provisioner, facts.csiNodes ?? [], facts.nodes);
  if (topo) offer(topo.mobility, { source: 'csi-node', detail: topo.detail });
  const allowed = allowedTopologyScope(sc);
  if (allowed) offer(allowed.mobility, { source: 'storage-class', detail: allowed.detail });
  if (matched)
    offer(matched.profile.mobility, profileEvidence(matched, `mobility ${matched.profile.mobility}`));

  if (!decided) {
    evidence.push({
      source: 'default',
      detail: matched
        ? `profile ${matched.profile.name} says mobility unknown and the cluster shows no PVs or CSI topology for class ${sc.metadata?.name}`
        : `provisioner ${sc.provisioner} is not in the built-in table, no user profile matches it, and the cluster shows no PVs or CSI topology for class ${sc.metadata?.name}; register a storage profile to describe it`,
    });
    return { value: 'unknown', evidence };
  }
  if (matched && decided.source !== 'user-profile' && decided.source !== 'built-in-table') {
    const said = matched.profile.mobility;
    if (said !== decided.mobility) {
      const who =
        matched.origin === 'built-in' ? 'the built-in table' : `user profile ${matched.profile.name}`;
      notes.push(
        `${who} says mobility ${said}, but the cluster shows ${decided.mobility} (${decided.source}); the cluster's evidence wins`,
      );
    }
  }
  // The deciding piece first, then the rest in rank order.
  return { value: decided.mobility, evidence: [decided.evidence, ...evidence] };
}

/** Several PVs: the most restrictive wins (a drain meets the worst one), and disagreement is said. */
function combineVolumes(observed: readonly Observed[]): Observed {
  let worst = observed[0]!;
  for (const o of observed) if (mobilityRank(o.mobility) < mobilityRank(worst.mobility)) worst = o;
  const kinds = new Set(observed.map((o) => o.mobility));
  if (kinds.size === 1) {
    return {
      mobility: worst.mobility,
      detail:
        observed.length === 1
          ? worst.detail
          : `${worst.detail} (and ${observed.length - 1} more PV(s) alike)`,
    };
  }
  const counts = [...kinds].map((k) => `${observed.filter((o) => o.mobility === k).length} ${k}`).join(', ');
  return {
    mobility: worst.mobility,
    detail: `${worst.detail}; PVs of this class disagree (${counts}), the most restrictive counts`,
  };
}

function allowedTopologyScope(sc: V1StorageClass): Observed | undefined {
  const keys = (sc.allowedTopologies ?? []).flatMap((t) => (t.matchLabelExpressions ?? []).map((e) => e.key));
  if (keys.length === 0) return undefined;
  const scopes = keys.map(keyScope);
  const at = `class ${sc.metadata?.name} restricts provisioning with allowedTopologies on ${[...new Set(keys)].join(', ')}`;
  if (scopes.includes('node'))
    return { mobility: 'node', detail: `${at}: volumes are created on chosen nodes` };
  if (scopes.includes('zone')) return { mobility: 'zone', detail: `${at}: volumes are zonal` };
  return { mobility: 'unknown', detail: at };
}

function decideDrainOutcome(
  mobility: Verdict<Mobility>,
  matched: MatchedProfile | undefined,
  notes: string[],
): Verdict<DrainOutcome> {
  const fromMobility = drainOutcomeFor(mobility.value);
  const said = matched?.profile.drainOutcome;
  const decidedBy = mobility.evidence[0]?.source;
  if (said && (decidedBy === 'user-profile' || decidedBy === 'built-in-table')) {
    return {
      value: said,
      evidence: [profileEvidence(matched, `drain outcome ${said}`), ...mobility.evidence],
    };
  }
  if (said && said !== fromMobility) {
    notes.push(
      `profile ${matched.profile.name} says drain outcome ${said}, but mobility ${mobility.value} seen in the cluster means ${fromMobility}; the cluster's evidence wins`,
    );
  }
  const why: Record<Mobility, string> = {
    node: 'a volume pinned to the drained node keeps its pod Pending until the node is uncordoned',
    zone: 'a zonal volume lets the pod move only to another schedulable node in its zone, if there is one',
    cluster: 'a volume that attaches anywhere lets the pod be recreated on another node',
    unknown: 'with unknown mobility either outcome is possible',
  };
  return {
    value: fromMobility,
    evidence: [
      { source: mobility.evidence[0]?.source ?? 'default', detail: why[mobility.value] },
      ...mobility.evidence,
    ],
  };
}

function decideAccessModes(
  facts: StorageFacts,
  matched: MatchedProfile | undefined,
): Verdict<readonly AccessMode[] | 'unknown'> {
  const evidence: Evidence[] = [];
  const seen = [
    ...new Set(facts.persistentVolumes.flatMap((pv) => pv.spec?.accessModes ?? [])),
  ] as AccessMode[];
  if (matched?.profile.accessModes) {
    evidence.push(profileEvidence(matched, `access modes ${matched.profile.accessModes.join(', ')}`));
  }
  if (seen.length > 0) {
    evidence.push({
      source: 'persistent-volume',
      detail: `PVs of this class are in use with ${seen.join(', ')}`,
    });
  }
  const value = matched?.profile.accessModes ?? (seen.length > 0 ? seen : 'unknown');
  return { value, evidence };
}

function decideExpansion(
  sc: V1StorageClass,
  matched: MatchedProfile | undefined,
  notes: string[],
): Verdict<boolean | 'unknown'> {
  const allowed = sc.allowVolumeExpansion === true;
  const evidence: Evidence[] = [
    {
      source: 'storage-class',
      detail: allowed
        ? `class ${sc.metadata?.name} sets allowVolumeExpansion: true`
        : `class ${sc.metadata?.name} does not set allowVolumeExpansion, so the API server refuses to grow its claims`,
    },
  ];
  const said = matched?.profile.expansion;
  if (matched && said !== undefined) {
    evidence.push(
      profileEvidence(matched, said ? 'the driver can expand volumes' : 'the driver cannot expand volumes'),
    );
    if (allowed && !said) {
      notes.push(
        `class allows volume expansion but profile ${matched.profile.name} says the driver cannot expand; the class wins`,
      );
    }
  }
  return { value: allowed, evidence };
}

function decideSnapshots(
  facts: StorageFacts,
  matched: MatchedProfile | undefined,
  notes: string[],
): Verdict<boolean | 'unknown'> {
  const driver = facts.storageClass.provisioner;
  const said = matched?.profile.snapshots;
  const fromProfile =
    matched && said !== undefined
      ? [profileEvidence(matched, said ? 'snapshots are supported' : 'snapshots are not supported')]
      : [];
  const drivers = facts.snapshotDrivers;
  if (drivers === undefined) {
    return { value: said ?? 'unknown', evidence: fromProfile };
  }
  const value = drivers !== 'not-served' && drivers.includes(driver);
  const detail =
    drivers === 'not-served'
      ? 'the snapshot.storage.k8s.io API is not served: no volume can be snapshotted through Kubernetes'
      : value
        ? `a VolumeSnapshotClass names driver ${driver}`
        : `no VolumeSnapshotClass names driver ${driver}`;
  if (said === true && !value)
    notes.push(`profile ${matched?.profile.name} says snapshots are supported, but ${detail}`);
  return { value, evidence: [{ source: 'volume-snapshot-class', detail }, ...fromProfile] };
}

function decideDelays(
  facts: StorageFacts,
  matched: MatchedProfile | undefined,
  mobility: Mobility,
): ExpectedDelays {
  const delays = { ...NO_DELAYS, ...(matched?.profile.delays ?? {}) };
  // A driver that needs no attach step has nothing to detach and no Multi-Attach window.
  if (facts.csiDriver?.spec?.attachRequired === false || mobility === 'node') {
    delays.attachDetachSeconds = 0;
    delays.multiAttachSeconds = 0;
  }
  return delays;
}
