import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass } from '../expect/index.ts';
import { claimNamesOf, type PodWithClaims } from './pod-claims-observation.ts';
import { nodeOf, shortUid } from './pod-facts.ts';

export interface ReuseClaimsOptions {
  /** The pod before the action (read from the API, with its UID and volumes). */
  baseline: V1Pod;
  /**
   * The claims as read before the action: each must keep its UID. Without them, a claim created
   * after the baseline pod counts as a new claim (it cannot be the one the baseline used).
   */
  claims?: readonly V1PersistentVolumeClaim[];
}

const time = (t: unknown) => (t ? new Date(t as string).getTime() : Number.NaN);

/**
 * A new instance of the pod (another UID) mounts the same PersistentVolumeClaims as the baseline,
 * and they are the same claim objects: the data followed the pod. A claim replaced under its name
 * fails at once (the original is gone for good).
 */
export function toReuseClaims(options: ReuseClaimsOptions): MatcherDefinition<PodWithClaims, V1Pod> {
  const baseline = options?.baseline;
  if (!baseline?.metadata?.uid)
    throw new TypeError('toReuseClaims: baseline must be the pod read from the API before the action');
  const names = claimNamesOf(baseline);
  if (names.length === 0)
    throw new TypeError(
      `toReuseClaims: the baseline pod ${baseline.metadata.name} mounts no PersistentVolumeClaim`,
    );
  const claimUids = new Map((options.claims ?? []).map((c) => [c.metadata?.name ?? '', c.metadata?.uid]));
  for (const n of names) {
    if (options.claims && !claimUids.get(n))
      throw new TypeError(`toReuseClaims: claims has no claim ${n} (read from the API, with its UID)`);
  }
  const born = time(baseline.metadata.creationTimestamp);
  return {
    name: 'toReuseClaims',
    expectation: `to come back as a new instance on the same claims (${names.join(', ')})`,
    test({ pod: { object }, claims }) {
      if (!object) return fail('the pod does not exist');
      const uid = object.metadata?.uid;
      if (uid === baseline.metadata?.uid) return fail(`still the original instance (uid ${shortUid(uid)})`);
      const used = claimNamesOf(object);
      const instance = `new instance uid ${shortUid(uid)}${nodeOf(object) ? ` on ${nodeOf(object)}` : ''}`;
      if (used.join() !== names.join()) return fail(`${instance} mounts ${used.join(', ') || 'no claims'}`);
      for (const n of names) {
        const claim = claims.get(n);
        if (!claim) return fail(`${instance}, but claim ${n} does not exist`);
        const was = claimUids.get(n);
        const now = claim.metadata?.uid;
        if (was && now !== was)
          return fail(`claim ${n} is a new claim (uid ${shortUid(now)}, was ${shortUid(was)})`, true);
        if (!was && time(claim.metadata?.creationTimestamp) > born)
          return fail(
            `claim ${n} (uid ${shortUid(now)}) was created after the original pod: it is a new claim`,
            true,
          );
      }
      const list = names.map((n) => `${n} (uid ${shortUid(claims.get(n)?.metadata?.uid)})`).join(', ');
      return pass(object, `${instance}, on ${list}`);
    },
  };
}
