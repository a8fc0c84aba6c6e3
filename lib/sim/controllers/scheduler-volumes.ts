/**
 * The scheduler's VolumeBinding plugin: claims that no node can fix (PreFilter), bound volumes
 * whose node affinity excludes a node, and WaitForFirstConsumer claims that a node can serve with
 * a matching static PV or by provisioning (Filter).
 */
import type { KObject } from '../api/types.ts';
import { claimNames } from './kube-types.ts';
import { matchesNodeSelector, parseQuantity } from './node-matching.ts';

/** What the filters read: nodes, the pods each node holds (bound or assumed) and storage objects. */
export interface Snapshot {
  nodes: KObject[];
  /** Pods counted on each node: bound and not finished, plus pods assumed there while volumes bind. */
  podsOn(node: string): KObject[];
  pvc(namespace: string, name: string): KObject | undefined;
  pv(name: string): KObject | undefined;
  pvs(): KObject[];
  storageClass(name: string): KObject | undefined;
}

export const VOLUME_REASON = {
  volumeConflict: 'node(s) had volume node affinity conflict',
  volumeNotFound: "node(s) didn't find available persistent volumes to bind",
  pvMissing: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
} as const;

const UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

interface ClaimShape {
  spec?: {
    volumeName?: string;
    storageClassName?: string;
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
  };
  status?: { phase?: string };
}

interface VolumeShape {
  spec?: {
    storageClassName?: string;
    accessModes?: string[];
    capacity?: { storage?: string };
    claimRef?: { namespace?: string; name?: string };
    nodeAffinity?: { required?: { nodeSelectorTerms?: unknown[] } };
  };
  status?: { phase?: string };
}

interface ClassShape {
  provisioner?: string;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[];
}

export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

/** The storage class a claim asks for ('' means none: static binding only). */
function classOf(claim: KObject): string {
  return (claim as ClaimShape).spec?.storageClassName ?? '';
}

/** Whether binding of this claim waits for the first consumer (its class says WaitForFirstConsumer). */
export function waitsForConsumer(claim: KObject, snapshot: Snapshot): boolean {
  const name = classOf(claim);
  if (!name) return false;
  const sc = snapshot.storageClass(name) as ClassShape | undefined;
  return sc?.volumeBindingMode === 'WaitForFirstConsumer';
}

export function isClaimBound(claim: KObject): boolean {
  return !!(claim as ClaimShape).spec?.volumeName;
}

/** Whether a PV's required node affinity admits the node (no affinity admits every node). */
export function volumeFitsNode(pv: KObject, node: KObject): boolean {
  const required = (pv as VolumeShape).spec?.nodeAffinity?.required;
  if (!required) return true;
  return matchesNodeSelector(required as Parameters<typeof matchesNodeSelector>[0], node);
}

/** An Available static PV that could serve the claim on this node, in name order. */
export function staticVolumeFor(claim: KObject, node: KObject, snapshot: Snapshot): KObject | undefined {
  const c = claim as ClaimShape;
  const want = parseQuantity(c.spec?.resources?.requests?.storage);
  const modes = c.spec?.accessModes ?? [];
  return snapshot
    .pvs()
    .filter((pv) => {
      const v = pv as VolumeShape;
      if (pv.metadata.deletionTimestamp) return false;
      if (v.status?.phase && v.status.phase !== 'Available') return false;
      const ref = v.spec?.claimRef;
      if (ref && (ref.namespace !== claim.metadata.namespace || ref.name !== claim.metadata.name))
        return false;
      if ((v.spec?.storageClassName ?? '') !== classOf(claim)) return false;
      if (parseQuantity(v.spec?.capacity?.storage) < want) return false;
      if (!modes.every((m) => (v.spec?.accessModes ?? []).includes(m))) return false;
      return volumeFitsNode(pv, node);
    })
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))[0];
}

function canProvisionOn(claim: KObject, node: KObject, snapshot: Snapshot): boolean {
  const sc = snapshot.storageClass(classOf(claim)) as ClassShape | undefined;
  if (!sc?.provisioner || sc.provisioner === 'kubernetes.io/no-provisioner') return false;
  const topologies = sc.allowedTopologies ?? [];
  if (topologies.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return topologies.some((t) =>
    (t.matchLabelExpressions ?? []).every((e) => e.values.includes(labels[e.key] ?? '\u0000')),
  );
}

/** VolumeBinding PreFilter: problems with the pod's claims that no node can fix. */
export function volumePreFilter(pod: KObject, snapshot: Snapshot): string | undefined {
  const ns = pod.metadata.namespace!;
  let unboundImmediate = false;
  for (const name of claimNames(pod)) {
    const claim = snapshot.pvc(ns, name);
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    if (!isClaimBound(claim) && !waitsForConsumer(claim, snapshot)) unboundImmediate = true;
  }
  return unboundImmediate ? UNBOUND_IMMEDIATE : undefined;
}

export function volumeReasons(pod: KObject, node: KObject, snapshot: Snapshot): string[] {
  const reasons = new Set<string>();
  const ns = pod.metadata.namespace!;
  for (const name of claimNames(pod)) {
    const claim = snapshot.pvc(ns, name);
    if (!claim) continue;
    if (isClaimBound(claim)) {
      const pv = snapshot.pv((claim as ClaimShape).spec!.volumeName!);
      if (!pv) reasons.add(VOLUME_REASON.pvMissing);
      else if (!volumeFitsNode(pv, node)) reasons.add(VOLUME_REASON.volumeConflict);
      continue;
    }
    const selected = claim.metadata.annotations?.[SELECTED_NODE];
    if (selected && selected !== node.metadata.name) {
      reasons.add(VOLUME_REASON.volumeNotFound);
      continue;
    }
    if (!staticVolumeFor(claim, node, snapshot) && !canProvisionOn(claim, node, snapshot)) {
      reasons.add(VOLUME_REASON.volumeNotFound);
    }
  }
  return [...reasons];
}
