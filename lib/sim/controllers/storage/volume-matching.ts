/**
 * Which volume a claim can take (the PV controller's FindMatchingVolume and
 * checkVolumeSatisfyClaim): a volume pre-bound to the claim wins; otherwise the smallest available
 * volume of the claim's class, volume mode, access modes, label selector and (once a node is
 * selected) node affinity that is big enough.
 */
import type { KObject } from '../../api/types.ts';
import { fromLabelSelectorSpec, matchesLabels } from '../../api/selectors.ts';
import { parseQuantity } from '../node-matching.ts';
import { type Claim, claimClass, type Volume, volumeFitsNode } from './objects.ts';

/** Whether the volume's claimRef names this claim (a claimRef without uid is a user's pre-binding). */
export function isBoundToClaim(volume: Volume, claim: Claim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

function accessModesFit(claim: Claim, volume: Volume): boolean {
  const have = volume.spec?.accessModes ?? [];
  return (claim.spec?.accessModes ?? []).every((m) => have.includes(m));
}

const modeOf = (v: string | undefined) => v ?? 'Filesystem';

/**
 * The volume for a claim, or undefined. Under `delayBinding` (WaitForFirstConsumer, no node chosen
 * yet) only a pre-bound volume qualifies: the scheduler picks static volumes for such claims.
 */
export function findMatchingVolume(
  claim: Claim,
  volumes: Volume[],
  node: KObject | undefined,
  delayBinding: boolean,
): Volume | undefined {
  const wanted = parseQuantity(claim.spec?.resources?.requests?.storage);
  const cls = claimClass(claim) ?? '';
  const selector = claim.spec?.selector ? fromLabelSelectorSpec(claim.spec.selector) : undefined;
  let best: Volume | undefined;
  for (const v of volumes) {
    if (v.metadata.deletionTimestamp) continue;
    if (modeOf(v.spec?.volumeMode) !== modeOf(claim.spec?.volumeMode)) continue;
    if (isBoundToClaim(v, claim)) return v;
    if (delayBinding) continue;
    if (v.spec?.claimRef) continue;
    if (v.status?.phase && v.status.phase !== 'Available' && v.status.phase !== 'Pending') continue;
    if ((v.spec?.storageClassName ?? '') !== cls) continue;
    if (selector && !matchesLabels(selector, v.metadata.labels)) continue;
    if (node && !volumeFitsNode(v, node)) continue;
    if (!accessModesFit(claim, v)) continue;
    const size = parseQuantity(v.spec?.capacity?.storage);
    if (!(size >= wanted)) continue;
    if (!best || size < parseQuantity(best.spec?.capacity?.storage)) best = v;
  }
  return best;
}

/** Why a claim cannot take the volume it names (checkVolumeSatisfyClaim), or undefined. */
export function mismatch(claim: Claim, volume: Volume): string | undefined {
  const wanted = parseQuantity(claim.spec?.resources?.requests?.storage);
  const size = parseQuantity(volume.spec?.capacity?.storage);
  if (size < wanted) return 'requested PV is too small';
  if ((volume.spec?.storageClassName ?? '') !== (claimClass(claim) ?? '')) {
    return 'storageClassName does not match';
  }
  if (modeOf(volume.spec?.volumeMode) !== modeOf(claim.spec?.volumeMode)) return 'incompatible volumeMode';
  if (!accessModesFit(claim, volume)) return 'incompatible accessMode';
  return undefined;
}
