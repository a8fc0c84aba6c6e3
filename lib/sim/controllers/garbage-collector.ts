/**
 * The garbage collector: deletes dependents whose owners are all gone (background), lets an owner
 * deleted in the foreground go only once its blocking dependents are gone, and orphans dependents
 * of an owner deleted with the orphan policy. It watches every served kind (custom ones as they are
 * registered) and checks owners with live reads, so a dependent is never collected because a cache
 * lagged behind its owner's creation.
 */
import { StatusError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject, OwnerReference } from '../api/types.ts';
import { type Latencies, drawLatency } from './latencies.ts';
import type { Controller, SimRuntime } from './runtime.ts';
import { initStableRandom } from './stable-random.ts';

export interface GarbageCollectorOptions {
  latencies: Latencies;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** Kinds that never own or depend on anything worth collecting. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

interface Identity {
  rt: ResourceType;
  namespace: string | undefined;
  name: string;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

export function garbageCollector(options: GarbageCollectorOptions): Controller {
  return {
    name: 'garbage-collector',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const watched = new Set<string>();
      /** Where each live object is, by uid. */
      const where = new Map<string, string>();
      /** Dependents' ids by owner uid. */
      const dependents = new Map<string, Set<string>>();
      const identities = new Map<string, Identity>();
      let sequence = 0;

      const queue = runtime.queue('garbage-collector', (id) => reconcile(id));
      const enqueue = (id: string) =>
        queue.addAfter(
          id,
          drawLatency(runtime, options.latencies.garbageCollection, 'gc', id, String(sequence++)),
        );

      const idOf = (rt: ResourceType, obj: KObject) =>
        `${rt.group}/${rt.plural}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`;

      function index(id: string, obj: KObject | undefined, old: KObject | undefined): void {
        for (const ref of old?.metadata.ownerReferences ?? []) dependents.get(ref.uid)?.delete(id);
        for (const ref of obj?.metadata.ownerReferences ?? []) {
          if (!dependents.has(ref.uid)) dependents.set(ref.uid, new Set());
          dependents.get(ref.uid)!.add(id);
        }
      }

      function watch(rt: ResourceType): void {
        const key = `${rt.group}/${rt.plural}`;
        if (watched.has(key) || IGNORED.has(key)) return;
        if (rt.verbs && !(rt.verbs.includes('watch') && rt.verbs.includes('delete'))) return;
        watched.add(key);
        const informer = runtime.informer(rt.group, rt.plural);
        informer.on((type, obj, old) => {
          const id = idOf(rt, obj);
          const uid = obj.metadata.uid!;
          if (type === 'DELETED') {
            identities.delete(id);
            where.delete(uid);
            index(id, undefined, obj);
            for (const dep of dependents.get(uid) ?? []) enqueue(dep);
            for (const ref of obj.metadata.ownerReferences ?? []) {
              const owner = where.get(ref.uid);
              if (owner) enqueue(owner);
            }
            return;
          }
          identities.set(id, { rt, namespace: obj.metadata.namespace, name: obj.metadata.name! });
          where.set(uid, id);
          index(id, obj, old);
          if ((obj.metadata.ownerReferences ?? []).length > 0) enqueue(id);
          const finalizers = obj.metadata.finalizers ?? [];
          if (
            obj.metadata.deletionTimestamp &&
            (finalizers.includes(ORPHAN) || finalizers.includes(FOREGROUND))
          ) {
            enqueue(id);
          }
        });
      }

      const watchAll = () => {
        for (const rt of api.registry.all()) watch(rt);
      };
      watchAll();
      api.registry.onChange(() => {
        if (!runtime.isStopped) watchAll();
      });

      function live(identity: Identity): KObject | undefined {
        return api.find(identity.rt, identity.namespace, identity.name);
      }

      type OwnerState = 'absent' | 'solid' | 'waiting' | 'unknown';

      function ownerState(ref: OwnerReference, dependent: KObject): OwnerState {
        const rt = api.registry.findKind(groupOf(ref.apiVersion), ref.kind);
        if (!rt) return 'unknown';
        const owner = api.find(rt, rt.namespaced ? dependent.metadata.namespace : undefined, ref.name);
        if (!owner || owner.metadata.uid !== ref.uid) return 'absent';
        if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND))
          return 'waiting';
        return 'solid';
      }

      function reconcile(id: string): void {
        const identity = identities.get(id);
        if (!identity) return;
        const obj = live(identity);
        if (!obj) return;
        if (obj.metadata.deletionTimestamp) {
          const finalizers = obj.metadata.finalizers ?? [];
          if (finalizers.includes(ORPHAN)) orphanDependents(identity, obj);
          else if (finalizers.includes(FOREGROUND)) finishForeground(identity, obj);
        }
        if ((obj.metadata.ownerReferences ?? []).length > 0) collectIfOrphaned(identity, obj);
      }

      function collectIfOrphaned(identity: Identity, obj: KObject): void {
        const refs = obj.metadata.ownerReferences ?? [];
        const states = refs.map((ref) => ({ ref, state: ownerState(ref, obj) }));
        if (states.some((s) => s.state === 'unknown')) return;
        const solid = states.filter((s) => s.state === 'solid');
        if (solid.length > 0) {
          if (solid.length === refs.length) return;
          // Some owners remain: drop only the references to owners that are gone or going.
          patchOwners(
            identity,
            obj,
            solid.map((s) => s.ref),
          );
          return;
        }
        if (obj.metadata.deletionTimestamp) return;
        const waiting = states.some((s) => s.state === 'waiting');
        const hasDependents = (dependents.get(obj.metadata.uid!)?.size ?? 0) > 0;
        remove(identity, obj, waiting && hasDependents ? 'Foreground' : 'Background');
      }

      function orphanDependents(identity: Identity, owner: KObject): void {
        const uid = owner.metadata.uid!;
        for (const depId of [...(dependents.get(uid) ?? [])]) {
          const dep = identities.get(depId);
          const obj = dep && live(dep);
          if (!dep || !obj) continue;
          patchOwners(
            dep,
            obj,
            (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid),
          );
        }
        removeFinalizer(identity, owner, ORPHAN);
      }

      function finishForeground(identity: Identity, owner: KObject): void {
        const uid = owner.metadata.uid!;
        let blocking = 0;
        for (const depId of [...(dependents.get(uid) ?? [])]) {
          const dep = identities.get(depId);
          const obj = dep && live(dep);
          if (!dep || !obj) continue;
          const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
          if (!ref) continue;
          if (ref.blockOwnerDeletion) blocking++;
          if (!obj.metadata.deletionTimestamp) {
            const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
            if (others.some((r) => ownerState(r, obj) === 'solid')) {
              patchOwners(dep, obj, others);
              if (ref.blockOwnerDeletion) blocking--;
              continue;
            }
            const hasDependents = (dependents.get(obj.metadata.uid!)?.size ?? 0) > 0;
            remove(dep, obj, hasDependents ? 'Foreground' : 'Background');
          }
        }
        if (blocking === 0) removeFinalizer(identity, owner, FOREGROUND);
      }

      function patchOwners(identity: Identity, _obj: KObject, keep: OwnerReference[]): void {
        try {
          api.patch(
            identity.rt,
            identity.namespace,
            identity.name,
            'application/merge-patch+json',
            { metadata: { ownerReferences: keep.length > 0 ? keep : null } },
            { fieldManager: 'generic-garbage-collector' },
          );
        } catch (err) {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        }
      }

      function removeFinalizer(identity: Identity, obj: KObject, finalizer: string): void {
        const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        try {
          api.update(
            identity.rt,
            identity.namespace,
            identity.name,
            { ...obj, metadata: { ...obj.metadata, finalizers } },
            { fieldManager: 'generic-garbage-collector' },
          );
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }

      function remove(
        identity: Identity,
        obj: KObject,
        propagationPolicy: 'Foreground' | 'Background',
      ): void {
        try {
          api.delete(identity.rt, identity.namespace, identity.name, {
            propagationPolicy,
            preconditions: { uid: obj.metadata.uid! },
          });
        } catch (err) {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    },
  };
}
