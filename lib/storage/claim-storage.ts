/**
 * Storage verdicts for one claim and for all the claims of a pod: what specs ask before a drain
 * ("can this volume follow its pod?"), the equivalent of CNPG's CanMovePVCAcrossNodes read from the
 * cluster instead of a vendor flag.
 */
import type {
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1StorageClass,
} from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { classifyStorage } from './classify.ts';
import { readClusterFacts, resolveStorageClass } from './detect.ts';
import { loadProfilesFromEnv } from './profile-env.ts';
import {
  type DrainOutcome,
  type Evidence,
  type Mobility,
  mostRestrictive,
  type StorageVerdict,
  type Verdict,
} from './profile.ts';
import { volumeAdmitsNode } from './volume-topology.ts';

/** The verdict for one claim: its class, and its own volume when bound (the strongest evidence). */
export interface ClaimStorage extends StorageVerdict {
  readonly namespace: string;
  readonly claim: string;
  /** The bound PV, if any. */
  readonly volume?: string;
  /** Nodes the bound volume can be used on (by its node affinity), when bound. */
  readonly usableOn?: readonly string[];
  /** Whether a pod using this claim can run on another node: known yes, known no, or unknown. */
  readonly canMoveAcrossNodes: boolean | 'unknown';
}

/** The verdict for a pod: every claim it mounts, combined (the most restrictive volume decides). */
export interface PodStorage {
  readonly namespace: string;
  readonly pod: string;
  readonly claims: readonly ClaimStorage[];
  readonly mobility: Verdict<Mobility>;
  readonly drainOutcome: Verdict<DrainOutcome>;
}

/** Classifies the storage behind one PersistentVolumeClaim. */
export async function storageForClaim(
  conn: Connection,
  namespace: string,
  claim: string,
): Promise<ClaimStorage> {
  await loadProfilesFromEnv();
  const pvc = await conn.findPvc(namespace, claim);
  if (!pvc) throw new Error(`storage: PersistentVolumeClaim ${namespace}/${claim} does not exist`);
  return classifyClaim(conn, pvc);
}

async function classifyClaim(conn: Connection, pvc: V1PersistentVolumeClaim): Promise<ClaimStorage> {
  const namespace = pvc.metadata?.namespace ?? '';
  const claim = pvc.metadata?.name ?? '';
  const volumeName = pvc.spec?.volumeName;
  const pv: V1PersistentVolume | undefined = volumeName
    ? await conn.find(`get persistentvolume ${volumeName}`, () =>
        conn.core.readPersistentVolume({ name: volumeName }),
      )
    : undefined;
  const sc = await classOf(conn, pvc, pv);
  const facts = await readClusterFacts(conn, sc.provisioner);
  const verdict = classifyStorage({ ...facts, storageClass: sc, persistentVolumes: pv ? [pv] : [] });
  const usableOn = pv
    ? facts.nodes.filter((n) => volumeAdmitsNode(pv, n)).map((n) => n.metadata?.name ?? '')
    : undefined;
  let canMoveAcrossNodes: boolean | 'unknown';
  if (usableOn && facts.nodes.length > 0) canMoveAcrossNodes = usableOn.length > 1;
  else if (verdict.mobility.value === 'node') canMoveAcrossNodes = false;
  else if (verdict.mobility.value === 'cluster') canMoveAcrossNodes = true;
  else canMoveAcrossNodes = 'unknown';
  // A volume only one node can use keeps its pod Pending whatever its class's verdict says.
  const drainOutcome: StorageVerdict['drainOutcome'] =
    usableOn && usableOn.length === 1 && verdict.drainOutcome.value !== 'pending'
      ? {
          value: 'pending',
          evidence: [
            {
              source: 'persistent-volume',
              detail: `only node ${usableOn[0]} can use PV ${pv?.metadata?.name}`,
            },
            ...verdict.drainOutcome.evidence,
          ],
        }
      : verdict.drainOutcome;
  return {
    ...verdict,
    drainOutcome,
    namespace,
    claim,
    ...(pv?.metadata?.name ? { volume: pv.metadata.name } : {}),
    ...(usableOn ? { usableOn } : {}),
    canMoveAcrossNodes,
  };
}

/** The claim's class; for claims without one, a stand-in named after the PV's provisioner. */
async function classOf(
  conn: Connection,
  pvc: V1PersistentVolumeClaim,
  pv: V1PersistentVolume | undefined,
): Promise<V1StorageClass> {
  const name = pvc.spec?.storageClassName ?? pv?.spec?.storageClassName;
  if (name) {
    const sc = await conn.find(`get storageclass ${name}`, () => conn.storage.readStorageClass({ name }));
    if (sc) return sc;
  } else if (name === undefined && !pv) {
    return resolveStorageClass(conn);
  }
  // No class to read: only the PV (if any) can tell, and no table row should match a made-up name.
  const provisioner = pv
    ? (pv.spec?.csi?.driver ??
      pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] ??
      '(static volume)')
    : '(no storage class)';
  return { metadata: { name: name ?? '' }, provisioner };
}

/** Classifies every claim a pod mounts (PVC volumes and generic ephemeral volumes). */
export async function storageForPod(
  conn: Connection,
  namespace: string,
  pod: string | V1Pod,
): Promise<PodStorage> {
  await loadProfilesFromEnv();
  const obj = typeof pod === 'string' ? await conn.findPod(namespace, pod) : pod;
  const podName = typeof pod === 'string' ? pod : (pod.metadata?.name ?? '');
  if (!obj) throw new Error(`storage: pod ${namespace}/${podName} does not exist`);
  const claimNames = (obj.spec?.volumes ?? []).flatMap((v) => {
    if (v.persistentVolumeClaim?.claimName) return [v.persistentVolumeClaim.claimName];
    if (v.ephemeral) return [`${podName}-${v.name}`];
    return [];
  });
  const claims: ClaimStorage[] = [];
  for (const name of claimNames) {
    const pvc = await conn.findPvc(namespace, name);
    if (pvc) claims.push(await classifyClaim(conn, pvc));
  }
  if (claims.length === 0) {
    const evidence: Evidence[] = [
      {
        source: 'default',
        detail:
          claimNames.length === 0
            ? `pod ${namespace}/${podName} mounts no persistent volume claims`
            : `the claims of pod ${namespace}/${podName} (${claimNames.join(', ')}) do not exist`,
      },
    ];
    return {
      namespace,
      pod: podName,
      claims,
      mobility: { value: 'cluster', evidence },
      drainOutcome: { value: 'rescheduled', evidence },
    };
  }
  let mobility: Mobility = claims[0]!.mobility.value;
  for (const c of claims) mobility = mostRestrictive(mobility, c.mobility.value);
  const deciding = claims.find((c) => c.mobility.value === mobility)!;
  const evidence: Evidence[] = [
    ...(claims.length > 1
      ? [
          {
            source: deciding.mobility.evidence[0]?.source ?? 'default',
            detail: `claim ${deciding.claim} is the most restrictive of ${claims.map((c) => c.claim).join(', ')}`,
          } as Evidence,
        ]
      : []),
    ...deciding.mobility.evidence,
  ];
  return {
    namespace,
    pod: podName,
    claims,
    mobility: { value: mobility, evidence },
    drainOutcome: deciding.drainOutcome,
  };
}

/** True only when the claim's volume is known to be usable on another node (unknown → false). */
export async function canMovePvcAcrossNodes(
  conn: Connection,
  namespace: string,
  claim: string,
): Promise<boolean> {
  return (await storageForClaim(conn, namespace, claim)).canMoveAcrossNodes === true;
}

/** True only when the claim's volume is known to be pinned to one node (unknown → false). */
export async function isPvcPinnedToNode(
  conn: Connection,
  namespace: string,
  claim: string,
): Promise<boolean> {
  return (await storageForClaim(conn, namespace, claim)).canMoveAcrossNodes === false;
}
