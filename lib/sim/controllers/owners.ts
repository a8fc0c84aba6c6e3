/** Owner references as workload controllers write and read them. */
import type { KObject, OwnerReference } from '../api/types.ts';

/** The ownerReference marked `controller: true`, if any. */
export function controllerRef(obj: KObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** The reference a controller puts on what it creates: it controls it and blocks foreground deletion. */
export function ownedBy(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `obj` is controlled by `owner` (by uid). */
export function isControlledBy(obj: KObject, owner: KObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}
