/**
 * A StatefulSet's PersistentVolumeClaims: `<template>-<set>-<ordinal>`, created before their pod and
 * reused by every later pod of that ordinal; owned by the set while whenDeleted is Delete, and by a
 * removed ordinal's pod under whenScaled: Delete, so the garbage collector deletes them with it.
 */
import type { KObject } from '../api/types.ts';
import { ownedBy } from './owners.ts';
import type { SimRuntime } from './runtime.ts';
import { type ClaimTemplate, claimName, ordinalOf, SOURCE, spec } from './statefulset-spec.ts';
import { ignoringRaces, MANAGER } from './workload-helpers.ts';

export interface Claims {
  /** Creates the claim unless it exists; false while an old claim of that name is being deleted or when refused. */
  ensure(set: KObject, template: ClaimTemplate, ordinal: number, podName: string): boolean;
  /** Keeps the set's ownerReference on its claims exactly when whenDeleted is Delete (the GC does the rest). */
  syncOwners(set: KObject, owned: KObject[]): void;
  /** whenScaled: Delete makes the condemned pod its claims' owner, so they go with it. */
  releaseOnScaleDown(set: KObject, pod: KObject): void;
}

/** `refused` records a create the API refused (FailedCreate) and schedules a retry. */
export function statefulSetClaims(
  runtime: SimRuntime,
  refused: (set: KObject, prefix: string, err: unknown) => void,
): Claims {
  const api = runtime.api;
  const pvcsRt = api.resource('', 'persistentvolumeclaims');

  /** Creates the claim unless it exists; false while an old claim of that name is being deleted. */
  function ensureClaim(set: KObject, template: ClaimTemplate, ordinal: number, podName: string): boolean {
    const name = claimName(template, set, ordinal);
    const existing = api.find(pvcsRt, set.metadata.namespace, name);
    if (existing) return !existing.metadata.deletionTimestamp;
    const whenDeleted = spec(set).persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    try {
      api.create(
        pvcsRt,
        set.metadata.namespace,
        {
          metadata: {
            name,
            namespace: set.metadata.namespace,
            labels: { ...template.metadata?.labels, ...spec(set).selector?.matchLabels },
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            ...(whenDeleted === 'Delete' ? { ownerReferences: [ownedBy(set)] } : {}),
          },
          spec: structuredClone(template.spec ?? {}),
        },
        MANAGER,
      );
    } catch (err) {
      refused(
        set,
        `create Claim ${name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: `,
        err,
      );
      return false;
    }
    runtime.events.record(
      set,
      'Normal',
      'SuccessfulCreate',
      `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`,
      SOURCE,
    );
    return true;
  }

  /** Keeps the set's ownerReference on its claims exactly when whenDeleted is Delete (the GC does the rest). */
  function syncClaimOwners(set: KObject, owned: KObject[]): void {
    const s = spec(set);
    const wantOwner = (s.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain') === 'Delete';
    const start = s.ordinals?.start ?? 0;
    for (const pod of owned) {
      const ordinal = ordinalOf(set, pod);
      if (ordinal === undefined || ordinal < start || ordinal >= start + (s.replicas ?? 1)) continue;
      for (const template of s.volumeClaimTemplates ?? []) {
        const claim = api.find(pvcsRt, set.metadata.namespace, claimName(template, set, ordinal));
        if (!claim || claim.metadata.deletionTimestamp) continue;
        const refs = claim.metadata.ownerReferences ?? [];
        const has = refs.some((r) => r.uid === set.metadata.uid);
        if (has === wantOwner) continue;
        const next = wantOwner ? [...refs, ownedBy(set)] : refs.filter((r) => r.uid !== set.metadata.uid);
        writeClaimOwners(claim, next);
      }
    }
  }

  /** whenScaled: Delete makes the condemned pod its claims' owner, so they go with it. */
  function releaseClaimsOnScaleDown(set: KObject, pod: KObject): void {
    const s = spec(set);
    if ((s.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain') !== 'Delete') return;
    const ordinal = ordinalOf(set, pod)!;
    for (const template of s.volumeClaimTemplates ?? []) {
      const claim = api.find(pvcsRt, set.metadata.namespace, claimName(template, set, ordinal));
      if (!claim) continue;
      // The pod becomes the only owner among the set's: the claim goes with the pod, not with the set.
      const refs = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid);
      if (refs.some((r) => r.uid === pod.metadata.uid)) continue;
      writeClaimOwners(claim, [
        ...refs,
        { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid! },
      ]);
    }
  }

  function writeClaimOwners(claim: KObject, ownerReferences: KObject['metadata']['ownerReferences']): void {
    ignoringRaces(() =>
      api.update(
        pvcsRt,
        claim.metadata.namespace,
        claim.metadata.name!,
        { ...claim, metadata: { ...claim.metadata, ownerReferences } },
        MANAGER,
      ),
    );
  }

  return { ensure: ensureClaim, syncOwners: syncClaimOwners, releaseOnScaleDown: releaseClaimsOnScaleDown };
}
