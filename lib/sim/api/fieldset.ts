/**
 * Field sets for server-side apply and managedFields: which fields an object or an applied
 * configuration sets, as paths of FieldsV1 elements (`f:name`, `k:{"name":"c"}`, `v:"x"`).
 * A member is a leaf (scalar, atomic list, empty object) or a list item; objects in between are
 * implied by their members. Lists are keyed or sets by the same field-name table the strategic
 * merge patch uses, so both patch flavours agree on what a list item is (ports add protocol to
 * their key, as their x-kubernetes-list-map-keys do); objects the kind's schema marks atomic are
 * one member each.
 */
import { MERGED_PRIMITIVE_LISTS, mergeKeyOf } from './strategic.ts';
import { canonicalJson, clone, isPlainObject, sameJson } from './types.ts';
import type { AtomicTest } from './validation/builtin-schema.ts';

/** A path of FieldsV1 elements, e.g. `['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image']`. */
export type FieldPath = readonly string[];

export interface FieldMember {
  path: FieldPath;
  value: unknown;
  /** A scalar, atomic list or empty object, as opposed to a list item with fields of its own. */
  leaf: boolean;
}

/** Members by path key: the path as JSON, `["f:spec","f:replicas"]`. */
export type FieldMembers = Map<string, FieldMember>;

export const keyPath = (key: string): FieldPath => JSON.parse(key) as string[];

/** Metadata the server owns; never part of anyone's field set. */
const SERVER_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

type ListShape = { kind: 'keyed'; keys: readonly string[] } | { kind: 'set' } | { kind: 'atomic' };

/**
 * The key fields of an associative list (its x-kubernetes-list-map-keys) where they are more than
 * the patch merge key: ports are keyed by port and protocol together.
 */
const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  containerPort: ['containerPort', 'protocol'],
  port: ['port', 'protocol'],
};
/** Defaults of key fields an item may leave out, as the server fills them in before keying. */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** An item's key, `{"port":80,"protocol":"TCP"}`, fields in name order as the server writes them. */
function itemKey(item: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = item[k] ?? KEY_DEFAULTS[k];
  return out;
}

/** How a list merges: by a key (every item an object with a distinct scalar key), as a set, or whole. */
function listShape(field: string, list: readonly unknown[], ...others: (readonly unknown[])[]): ListShape {
  if (list.length === 0) return { kind: 'atomic' };
  const mergeKey = mergeKeyOf(field, list, ...others);
  if (mergeKey) {
    const keys = LIST_MAP_KEYS[mergeKey] ?? [mergeKey];
    const seen = new Set<string>();
    for (const item of list) {
      if (!isPlainObject(item)) return { kind: 'atomic' };
      const key = itemKey(item, keys);
      if (Object.values(key).some((k) => k === undefined || k === null || typeof k === 'object'))
        return { kind: 'atomic' };
      const id = canonicalJson(key);
      if (seen.has(id)) return { kind: 'atomic' };
      seen.add(id);
    }
    return { kind: 'keyed', keys };
  }
  if (MERGED_PRIMITIVE_LISTS.has(field) && list.every((v) => v === null || typeof v !== 'object')) {
    return { kind: 'set' };
  }
  return { kind: 'atomic' };
}

/** The part of an object field ownership is tracked for: everything but server-owned metadata. */
export function trackedPart(obj: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  const out: Record<string, unknown> = {};
  if (isPlainObject(metadata)) {
    const meta = { ...metadata };
    for (const f of SERVER_METADATA) delete meta[f];
    if (Object.keys(meta).length > 0) out.metadata = meta;
  }
  return Object.assign(out, rest);
}

/**
 * The part a write can set: with a status subresource, main-resource writes own no status and
 * status writes own only status (the real server resets the other part).
 */
export function writablePart(
  tracked: Record<string, unknown>,
  hasStatus: boolean,
  subresource: string | undefined,
): Record<string, unknown> {
  if (subresource === 'status') return tracked.status === undefined ? {} : { status: tracked.status };
  if (!hasStatus) return tracked;
  const { status: _reset, ...rest } = tracked;
  return rest;
}

/** Whether a member of the tracked part lies in `writablePart` (a filter, instead of a second walk). */
export function writableMember(
  member: FieldMember,
  hasStatus: boolean,
  subresource: string | undefined,
): boolean {
  const status = member.path[0] === 'f:status';
  if (subresource === 'status') return status;
  return !hasStatus || !status;
}

/**
 * The members of a (tracked part of an) object. Null values set nothing. `atomic` names the objects
 * the kind's schema makes one member each (see atomicObjects).
 */
export function membersOf(
  obj: Record<string, unknown>,
  atomic?: AtomicTest,
  nodes?: Map<string, FieldPath>,
): FieldMembers {
  const walk: Walk = { out: new Map(), atomic, nodes };
  walkObject(obj, [], '[', walk);
  return walk.out;
}

interface Walk {
  out: FieldMembers;
  atomic: AtomicTest | undefined;
  /** When given, collects the objects and lists with members below them (not members themselves), by key. */
  nodes: Map<string, FieldPath> | undefined;
}

/**
 * `open` is the path's key without its closing bracket, so a child's key is its parent's plus one
 * element: building keys costs one short string per member, not one JSON.stringify of the whole path.
 */
function walkObject(obj: Record<string, unknown>, path: FieldPath, open: string, walk: Walk): void {
  for (const field of Object.keys(obj)) {
    const value = obj[field];
    if (value === null || value === undefined) continue;
    const seg = `f:${field}`;
    walkValue(field, value, [...path, seg], childOpen(open, seg), walk);
  }
}

function childOpen(open: string, seg: string): string {
  return `${open.length > 1 ? `${open},` : open}${JSON.stringify(seg)}`;
}

function walkValue(field: string, value: unknown, path: FieldPath, open: string, walk: Walk): void {
  const { out, atomic } = walk;
  if (Array.isArray(value)) {
    const shape = listShape(field, value);
    if (shape.kind !== 'atomic') walk.nodes?.set(`${open}]`, path);
    if (shape.kind === 'keyed') {
      for (const item of value as Record<string, unknown>[]) {
        const seg = `k:${JSON.stringify(itemKey(item, shape.keys))}`;
        const itemPath = [...path, seg];
        const itemOpen = childOpen(open, seg);
        const whole = atomic?.(itemPath) ?? false;
        out.set(`${itemOpen}]`, { path: itemPath, value: item, leaf: whole });
        if (!whole) walkObject(item, itemPath, itemOpen, walk);
      }
    } else if (shape.kind === 'set') {
      for (const item of value) {
        const seg = `v:${JSON.stringify(item)}`;
        const itemPath = [...path, seg];
        out.set(`${childOpen(open, seg)}]`, { path: itemPath, value: item, leaf: true });
      }
    } else {
      out.set(`${open}]`, { path, value, leaf: true });
    }
    return;
  }
  if (isPlainObject(value) && hasKeys(value) && !atomic?.(path)) {
    walk.nodes?.set(`${open}]`, path);
    walkObject(value, path, open, walk);
    return;
  }
  out.set(`${open}]`, { path, value, leaf: true });
}

function hasKeys(obj: object): boolean {
  for (const _ in obj) if (Object.hasOwn(obj, _)) return true;
  return false;
}

/** Encodes member path keys as FieldsV1: a tree of elements, `.` marking members with children. */
export function toFieldsV1(keys: Iterable<string>): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  // Each member's node, to mark the ones with children once the whole tree is built.
  const members: Record<string, unknown>[] = [];
  for (const key of keys) {
    let node: Record<string, unknown> = root;
    for (const seg of keyPath(key)) {
      if (!isPlainObject(node[seg])) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    members.push(node);
  }
  for (const node of members) if (hasKeys(node)) node['.'] = {};
  return sortTree(root);
}

function sortTree(node: Record<string, unknown>): Record<string, unknown> {
  // '.' sorts before every element ('f:', 'i:', 'k:', 'v:') in code-unit order, as the server writes it.
  const keys = Object.keys(node).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = sortTree(node[k] as Record<string, unknown>);
  return out;
}

const ELEMENT = /^[fkvi]:/;

/** Decodes FieldsV1 into member path keys; anything malformed is skipped, never thrown. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: Record<string, unknown>, open: string) => {
    for (const seg of Object.keys(node)) {
      const child = node[seg];
      if (seg === '.' || !isPlainObject(child)) continue;
      if (!ELEMENT.test(seg)) continue;
      const childOpenKey = childOpen(open, seg);
      if (!hasKeys(child) || '.' in child) out.add(`${childOpenKey}]`);
      walk(child, childOpenKey);
    }
  };
  if (isPlainObject(fields)) walk(fields, '[');
  return out;
}

/** A path as the API server prints it in conflicts: `.spec.containers[name="c"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((seg) => {
      const body = seg.slice(2);
      if (seg.startsWith('f:')) return `.${body}`;
      if (seg.startsWith('v:')) return `[=${body}]`;
      if (seg.startsWith('i:')) return `[${body}]`;
      const key = safeParse(body);
      if (!isPlainObject(key)) return `[${body}]`;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Lookups of list items by key or by value, built once per list, for many reads of an object that
 * does not change meanwhile (finding each of a thousand keyed items by scanning is quadratic).
 */
export type ItemIndex = WeakMap<unknown[], Map<string, Map<string | undefined, number>>>;

/** The first index of an item by `what` (`v` for the item itself, `k:FIELD` for a key field). */
function indexed(list: unknown[], index: ItemIndex, what: string, wanted: unknown): number | undefined {
  let byWhat = index.get(list);
  if (!byWhat) {
    byWhat = new Map();
    index.set(list, byWhat);
  }
  let firsts = byWhat.get(what);
  if (!firsts) {
    firsts = new Map();
    const field = what.slice(2);
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (what !== 'v' && !isPlainObject(item)) continue;
      // sameJson(a, b) is canonicalJson(a) === canonicalJson(b): the same key finds the same item.
      const id = canonicalJson(what === 'v' ? item : (item as Record<string, unknown>)[field]);
      if (!firsts.has(id)) firsts.set(id, i);
    }
    byWhat.set(what, firsts);
  }
  return firsts.get(canonicalJson(wanted));
}

/** Finds the child an element names: a field, a keyed item, a set value or an index. */
function childIndex(parent: unknown, seg: string, index?: ItemIndex): string | number | undefined {
  const body = seg.slice(2);
  if (seg.startsWith('f:')) return isPlainObject(parent) && Object.hasOwn(parent, body) ? body : undefined;
  if (!Array.isArray(parent)) return undefined;
  if (seg.startsWith('i:')) {
    const i = Number(body);
    return Number.isInteger(i) && i >= 0 && i < parent.length ? i : undefined;
  }
  const wanted = safeParse(body);
  if (seg.startsWith('v:')) {
    if (index) return indexed(parent, index, 'v', wanted);
    const i = parent.findIndex((item) => sameJson(item, wanted));
    return i >= 0 ? i : undefined;
  }
  if (!isPlainObject(wanted)) return undefined;
  const fields = Object.keys(wanted);
  if (index && fields.length === 1) return indexed(parent, index, `k:${fields[0]}`, wanted[fields[0]!]);
  const i = parent.findIndex(
    (item) =>
      isPlainObject(item) &&
      Object.entries(wanted).every(([k, v]) => sameJson(item[k] ?? KEY_DEFAULTS[k], v)),
  );
  return i >= 0 ? i : undefined;
}

/**
 * The value at a path, or undefined when the object does not set it. Many reads of one unchanging
 * object share an `index` (`new WeakMap()`), so keyed items are found without scanning their lists.
 */
export function valueAt(obj: unknown, path: FieldPath, index?: ItemIndex): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    const idx = childIndex(cur, seg, index);
    if (idx === undefined) return undefined;
    cur = (cur as Record<string | number, unknown>)[idx];
  }
  return cur;
}

/**
 * Removes the value at a path, then the objects above it that it leaves empty (up to, not
 * including, the top-level field), as a field no one sets any more disappears whole.
 */
export function removeAt(obj: Record<string, unknown>, path: FieldPath): void {
  if (path.length === 0) return;
  const chain: unknown[] = [obj];
  for (const seg of path.slice(0, -1)) {
    const idx = childIndex(chain[chain.length - 1], seg);
    if (idx === undefined) return;
    chain.push((chain[chain.length - 1] as Record<string | number, unknown>)[idx]);
  }
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = chain[depth];
    const idx = childIndex(parent, path[depth]!);
    if (idx === undefined) return;
    if (Array.isArray(parent)) parent.splice(idx as number, 1);
    else delete (parent as Record<string, unknown>)[idx as string];
    if (depth <= 1) return;
    const emptied = isPlainObject(parent) && Object.keys(parent).length === 0;
    if (!emptied) return;
  }
}

/**
 * Merges an applied configuration into a live object: objects field by field (atomic ones, as
 * `atomic` tells them, replaced whole), keyed lists item by item, set lists as unions, anything
 * else replaced. A null in the configuration removes.
 */
export function mergeApplied(
  live: unknown,
  config: unknown,
  atomic?: AtomicTest,
  field = '',
  path: FieldPath = [],
): unknown {
  if (isPlainObject(config)) {
    if (path.length > 0 && atomic?.(path)) return withoutNulls(clone(config));
    const out: Record<string, unknown> = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(config)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, atomic, k, [...path, `f:${k}`]);
    }
    return out;
  }
  if (Array.isArray(config)) {
    const current = Array.isArray(live) ? live : [];
    const shape = listShape(field, config, current);
    // Items are found by their canonical JSON (what sameJson compares), not by scanning the list.
    if (shape.kind === 'set') {
      const out = clone(current);
      const seen = new Set(out.map((c) => canonicalJson(c)));
      for (const v of config) {
        const id = canonicalJson(v);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(clone(v));
      }
      return out;
    }
    if (shape.kind === 'keyed' && listShape(field, current, config).kind !== 'atomic') {
      const out = clone(current) as Record<string, unknown>[];
      const at = new Map<string | undefined, number>();
      out.forEach((c, i) => {
        const id = canonicalJson(itemKey(c, shape.keys));
        if (!at.has(id)) at.set(id, i);
      });
      for (const item of config as Record<string, unknown>[]) {
        const key = itemKey(item, shape.keys);
        const id = canonicalJson(key);
        const itemPath = [...path, `k:${JSON.stringify(key)}`];
        const i = at.get(id);
        const merged = mergeApplied(i === undefined ? undefined : out[i], item, atomic, '', itemPath);
        if (i !== undefined) out[i] = merged as Record<string, unknown>;
        else at.set(id, out.push(merged as Record<string, unknown>) - 1);
      }
      return out;
    }
    return clone(config);
  }
  return config;
}

/** Drops null values from a configuration (nulls ask for removal, they set nothing). */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls) as T;
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    ) as T;
  }
  return value;
}
