/**
 * One pod together with the PersistentVolumeClaims of its namespace, on the shared pod and claim
 * caches: what "the same claims under a new pod" is judged from. A change of either is a new state.
 */
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import { type ObjectState, type Observation, observeObject, observeSet } from '../expect/index.ts';
import { PODS, PVCS } from '../observe/index.ts';
import { shortUid } from './pod-facts.ts';

export interface PodWithClaims {
  pod: ObjectState<V1Pod>;
  /** The namespace's claims now, by name. */
  claims: ReadonlyMap<string, V1PersistentVolumeClaim>;
}

/** The claim names a pod mounts, sorted. */
export function claimNamesOf(pod: V1Pod): string[] {
  return (pod.spec?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((n): n is string => !!n)
    .sort();
}

export function observePodWithClaims(
  conn: Connection,
  namespace: string,
  name: string,
): Observation<PodWithClaims> {
  const pod = observeObject<V1Pod>(conn, PODS, namespace, name);
  const claims = observeSet<V1PersistentVolumeClaim>(conn, PVCS, namespace, {});
  const byName = (objects: readonly V1PersistentVolumeClaim[]) =>
    new Map(objects.map((c) => [c.metadata?.name ?? '', c]));
  const state = (): PodWithClaims => ({ pod: pod.state(), claims: byName(claims.state().objects) });
  return {
    subject: pod.subject,
    get synced() {
      return pod.synced && claims.synced;
    },
    get finalError() {
      return pod.finalError ?? claims.finalError;
    },
    get closed() {
      return !!(pod.closed || claims.closed);
    },
    state,
    subscribe(onState) {
      const relay = (s: unknown) =>
        onState(s === undefined || !(pod.synced && claims.synced) ? undefined : state());
      const a = pod.subscribe(relay);
      const b = claims.subscribe(relay);
      return () => {
        a();
        b();
      };
    },
    describe(s) {
      const object = s.pod.object;
      const used = object ? claimNamesOf(object) : [];
      const list = used.map((n) => `${n} (uid ${shortUid(s.claims.get(n)?.metadata?.uid)})`).join(', ');
      return `${pod.describe(s.pod)}${used.length ? `; claims ${list}` : ''}`;
    },
    trajectory: (origin) => pod.trajectory(origin),
    lastError: (since) => pod.lastError(since) ?? claims.lastError(since),
    events: (limit) => pod.events(limit),
    async catchUp(signal) {
      // Both caches catch up with the server; where one could not, its state as read stands in.
      const [p, c] = await Promise.all([pod.catchUp(signal), claims.catchUp(signal)]);
      if (p === undefined && c === undefined) return undefined;
      const objects = (c ?? claims.state()).objects;
      return { pod: p ?? pod.state(), claims: byName(objects) };
    },
    close() {
      pod.close();
      claims.close();
    },
  };
}
