/**
 * What the ReplicaSet, Deployment and StatefulSet controllers share: reading a workload's pods
 * through the Api (always current, so no "expectations" are needed), readiness and availability
 * with minReadySeconds, int-or-percent fields, template hashes, adoption of orphans and status
 * writes that skip no-op updates.
 */
import { StatusError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { fromLabelSelectorSpec, type LabelSelectorSpec, matchesLabels } from '../api/selectors.ts';
import type { KObject } from '../api/types.ts';
import { isPodReady, isTerminal, podStatus } from './kube-types.ts';
import { controllerRef, ownedBy } from './owners.ts';
import type { SimRuntime } from './runtime.ts';

export const MANAGER = { fieldManager: 'kube-controller-manager' };

/** A pod that counts for a workload: not finished and not being deleted. */
export function isActive(pod: KObject): boolean {
  return !isTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/**
 * Whether a pod has been Ready for at least minReadySeconds (realistic seconds, scaled by the
 * cluster's time scale), and when it will be if not yet (ms from now), for a requeue.
 */
export function availability(
  runtime: SimRuntime,
  pod: KObject,
  minReadySeconds: number,
): { available: boolean; inMs?: number } {
  if (!isPodReady(pod)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const since = (podStatus(pod).conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime;
  const readyFor = since ? (runtime.api.now().getTime() - Date.parse(since)) / runtime.timeScale : 0;
  const left = minReadySeconds * 1000 - readyFor;
  return left <= 0 ? { available: true } : { available: false, inMs: left };
}

/** An int-or-percent (`25%`) of `total`, rounded up or down as the real controllers do. */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+%$/.test(value)) {
    const exact = (Number.parseInt(value, 10) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return 0;
}

/** FNV-1a, 32 bits, as hash/fnv's New32a. */
function fnv32a(text: string): number {
  let h = 2166136261;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A template hash as controller.ComputeHash writes it: FNV-32a of the object and the collision
 * count, printed in decimal and mapped through rand.SafeEncodeString's alphabet (`7d4b9c8f6d`).
 */
export function computeHash(value: unknown, collisionCount = 0): string {
  const text = `${canonical(value)}${collisionCount ? String(collisionCount) : ''}`;
  return [...String(fnv32a(text))].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/**
 * A value without nulls and empty objects or lists, so two templates compare as Go's
 * semantic equality compares the typed structs (`creationTimestamp: null`, `resources: {}`
 * and absent fields are the same); kubectl sends such zero values when it rolls back.
 */
export function semantic(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(semantic);
    return items.length ? items : undefined;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, semantic(x)] as const)
      .filter(([, x]) => x !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v ?? undefined;
}

/**
 * The objects of `rt` in the owner's namespace that the owner controls, after adopting orphans its
 * selector matches and releasing owned ones it no longer matches (the ControllerRefManager).
 */
export function claimObjects(runtime: SimRuntime, rt: ResourceType, owner: KObject): KObject[] {
  const api = runtime.api;
  const selector = fromLabelSelectorSpec((owner.spec as { selector?: LabelSelectorSpec }).selector);
  const out: KObject[] = [];
  for (const obj of api.list(rt, owner.metadata.namespace).items) {
    const ref = controllerRef(obj);
    const matches = matchesLabels(selector, obj.metadata.labels);
    if (ref?.uid === owner.metadata.uid) {
      if (matches || obj.metadata.deletionTimestamp) out.push(obj);
      else
        writeOwners(
          runtime,
          rt,
          obj,
          (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid),
        );
    } else if (!ref && matches && !obj.metadata.deletionTimestamp && !owner.metadata.deletionTimestamp) {
      const adopted = writeOwners(runtime, rt, obj, [
        ...(obj.metadata.ownerReferences ?? []),
        ownedBy(owner),
      ]);
      if (adopted) out.push(adopted);
    }
  }
  return out;
}

function writeOwners(
  runtime: SimRuntime,
  rt: ResourceType,
  obj: KObject,
  ownerReferences: KObject['metadata']['ownerReferences'],
): KObject | undefined {
  try {
    return runtime.api.update(
      rt,
      obj.metadata.namespace,
      obj.metadata.name!,
      { ...obj, metadata: { ...obj.metadata, ownerReferences } },
      MANAGER,
    );
  } catch (err) {
    if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return undefined;
    throw err;
  }
}

/** Writes `status` through the status subresource unless it is unchanged or the object was replaced. */
export function writeStatus(runtime: SimRuntime, rt: ResourceType, obj: KObject, status: object): void {
  if (sameValue(status, obj.status ?? {})) return;
  const api = runtime.api;
  const fresh = api.find(rt, obj.metadata.namespace, obj.metadata.name!);
  if (!fresh || fresh.metadata.uid !== obj.metadata.uid) return;
  api.update(
    rt,
    obj.metadata.namespace,
    obj.metadata.name!,
    { ...fresh, status },
    { subresource: 'status', ...MANAGER },
  );
}

/** Ignores a 404 or 409 from a write racing a deletion or another writer (the next sync redoes it). */
export function ignoringRaces<T>(write: () => T): T | undefined {
  try {
    return write();
  } catch (err) {
    if (err instanceof StatusError && (err.code === 404 || err.code === 409)) return undefined;
    throw err;
  }
}
