/**
 * metadata.managedFields bookkeeping: which manager set which field, by Apply or by Update. Writes
 * that are not applies (create, update, patch) give their manager the fields they changed and take
 * those fields from everyone else; fields that disappear leave every set. A write that changes
 * nothing leaves the entries (and their times) alone, so it stays a no-op.
 */
import {
  type FieldMember,
  type FieldPath,
  fromFieldsV1,
  membersOf,
  toFieldsV1,
  trackedPart,
  writableMember,
} from './fieldset.ts';
import type { ResourceType } from './resource.ts';
import { isPlainObject, type KObject, type ManagedFieldsEntry, sameJson } from './types.ts';
import { type AtomicTest, atomicObjects, zeroValued } from './validation/builtin-schema.ts';

const atomicTests = new WeakMap<ResourceType, AtomicTest | null>();
const zeroTests = new WeakMap<ResourceType, (path: FieldPath) => boolean>();

/** The objects a kind's schema (built-in or its CRD's) makes one member each; undefined without a schema. */
export function zeroOf(rt: ResourceType): (path: FieldPath) => boolean {
  let test = zeroTests.get(rt);
  if (!test) {
    test = zeroValued(rt.group, rt.version, rt.kind, !!rt.custom);
    zeroTests.set(rt, test);
  }
  return test;
}

export function atomicOf(rt: ResourceType): AtomicTest | undefined {
  let test = atomicTests.get(rt);
  if (test === undefined) {
    const schema = rt.custom ? (rt.schema as Parameters<typeof atomicObjects>[3]) : undefined;
    test = (rt.custom && !schema ? undefined : atomicObjects(rt.group, rt.version, rt.kind, schema)) ?? null;
    atomicTests.set(rt, test);
  }
  return test ?? undefined;
}

/** The manager recorded for a write that names none (the HTTP front derives one from the User-Agent). */
export const DEFAULT_FIELD_MANAGER = 'unknown';

export interface FieldOwner {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  /** Member path keys (see ./fieldset.ts). */
  members: Set<string>;
}

export interface Writer {
  manager: string;
  subresource?: string;
  apiVersion: string;
  time: string;
  /** Whether the kind has a status subresource (see `writablePart`). */
  hasStatus: boolean;
  /** The kind's atomic objects (see atomicOf). */
  atomic?: AtomicTest;
  /** The objects and lists always in the kind's objects (see zeroValued); the others are owned when added. */
  zero?: (path: FieldPath) => boolean;
}

/** Decodes stored or sent entries; malformed entries are dropped, never thrown. */
export function ownersOf(entries: unknown): FieldOwner[] {
  if (!Array.isArray(entries)) return [];
  const out: FieldOwner[] = [];
  for (const e of entries) {
    if (!isPlainObject(e) || typeof e.manager !== 'string') continue;
    if (e.operation !== 'Apply' && e.operation !== 'Update') continue;
    const owner: FieldOwner = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : '',
      members: fromFieldsV1(e.fieldsV1),
    };
    if (typeof e.subresource === 'string' && e.subresource) owner.subresource = e.subresource;
    out.push(owner);
  }
  return out;
}

/** Encodes owners as managedFields; owners of nothing are dropped, and no owners at all is undefined. */
export function entriesOf(owners: FieldOwner[]): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = [];
  for (const o of owners) {
    if (o.members.size === 0) continue;
    const entry: ManagedFieldsEntry = {
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.members),
    };
    if (o.subresource) entry.subresource = o.subresource;
    out.push(entry);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * The entries a write starts from: those the client sent when it sent some (a single empty entry
 * clears them, as on the real server), else the stored ones. An empty list keeps the stored ones.
 */
function baseOwners(sent: unknown, stored: unknown): FieldOwner[] {
  if (Array.isArray(sent) && sent.length > 0) {
    if (sent.length === 1 && isPlainObject(sent[0]) && Object.keys(sent[0]).length === 0) return [];
    return ownersOf(sent);
  }
  return ownersOf(stored);
}

export function isEntryOf(
  o: FieldOwner,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource: string | undefined,
): boolean {
  return o.manager === manager && o.operation === operation && (o.subresource ?? '') === (subresource ?? '');
}

/** managedFields after a create, update or patch by `writer`. */
export function recordUpdate(
  old: KObject | undefined,
  next: KObject,
  writer: Writer,
): ManagedFieldsEntry[] | undefined {
  // An object that tracks no fields (created with none set) stays untracked by updates, as on
  // kube-apiserver v1.36.3; only an apply, or a write carrying managedFields, starts tracking it.
  const tracked = (o: KObject | undefined) => (o?.metadata.managedFields ?? []).length > 0;
  if (old && !tracked(old) && !tracked(next)) return undefined;
  const owners = baseOwners(next.metadata.managedFields, old?.metadata.managedFields);
  const nodes = writer.zero ? new Map<string, FieldPath>() : undefined;
  const nodesBefore = writer.zero ? new Map<string, FieldPath>() : undefined;
  const after = membersOf(trackedPart(next), writer.atomic, nodes);
  const before = old
    ? membersOf(trackedPart(old), writer.atomic, nodesBefore)
    : new Map<string, FieldMember>();
  const changed: string[] = [];
  for (const [key, member] of after) {
    if (!writableMember(member, writer.hasStatus, writer.subresource)) continue;
    const prev = before.get(key);
    if (!prev || prev.leaf !== member.leaf || (member.leaf && !sameJson(prev.value, member.value))) {
      changed.push(key);
    }
  }
  // An object or list the write adds is owned itself (`.` in FieldsV1), unless the kind's Go types
  // always hold it (structured-merge-diff compares with what was there, or with an empty object).
  for (const [key, path] of nodes ?? []) {
    if (nodesBefore!.has(key) || before.has(key) || writer.zero!(path)) continue;
    if (!writableMember({ path, value: undefined, leaf: false }, writer.hasStatus, writer.subresource))
      continue;
    changed.push(key);
  }
  if (changed.length > 0) {
    for (const o of owners) for (const key of changed) o.members.delete(key);
    let mine = owners.find((o) => isEntryOf(o, writer.manager, 'Update', writer.subresource));
    if (!mine) {
      const { hasStatus: _h, atomic: _a, zero: _z, ...who } = writer;
      mine = { ...who, operation: 'Update', members: new Set() };
      owners.push(mine);
    }
    for (const key of changed) mine.members.add(key);
    mine.time = writer.time;
    mine.apiVersion = writer.apiVersion;
  }
  for (const o of owners)
    for (const key of [...o.members]) if (!after.has(key) && !nodes?.has(key)) o.members.delete(key);
  return entriesOf(owners);
}
