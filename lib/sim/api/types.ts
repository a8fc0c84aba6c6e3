/** The shapes the simulated API server stores and serves: plain JSON objects with ObjectMeta. */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Any stored object. Kind-specific code narrows `spec`/`status` itself. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject | Record<string, unknown>;
}

/**
 * Deep copy of a JSON value; stored objects are never shared with callers. Plain objects and arrays
 * are copied by hand (several times faster than structuredClone on objects of tens of thousands of
 * keys, which every large write copies a few times); anything else goes to structuredClone.
 */
export function clone<T>(value: T): T {
  return copyJson(value) as T;
}

function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copy = copyJson((value as Record<string, unknown>)[key]);
    // An own "__proto__" key (JSON.parse makes one) stays a key, never the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function timestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** metav1.MicroTime, used by events.k8s.io and leases. */
export function microTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so two values compare equal whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Deep equality of JSON values, ignoring object key order: whether `canonicalJson` of both is the
 * same text, decided by walking both at once instead of printing them (a write compares objects of
 * tens of thousands of keys several times).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return jsonEqual(a, b, false);
}

/** What JSON.stringify leaves out of an object (and prints as null in an array). */
const omitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** An object JSON prints as its own keys or items (no toJSON, no boxed scalar, no Date). */
function walkable(v: object): boolean {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function jsonEqual(a: unknown, b: unknown, inArray: boolean): boolean {
  if (a === b) return true;
  const aObject = typeof a === 'object' && a !== null;
  const bObject = typeof b === 'object' && b !== null;
  if (aObject && bObject) {
    if (!walkable(a) || !walkable(b)) return canonicalJson(a) === canonicalJson(b);
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const other = b as unknown[];
      if (a.length !== other.length) return false;
      for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], other[i], true)) return false;
      return true;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    let count = 0;
    for (const key of Object.keys(ao)) {
      const v = ao[key];
      if (omitted(v)) continue;
      count++;
      if (!Object.hasOwn(bo, key) || !jsonEqual(v, bo[key], false)) return false;
    }
    for (const key of Object.keys(bo)) if (!omitted(bo[key])) count--;
    return count === 0;
  }
  if (aObject || bObject) return canonicalJson(a) === canonicalJson(b);
  // Two different strings, or a string and another scalar, never print alike.
  if (typeof a === 'string' || typeof b === 'string') return false;
  return scalarJson(a, inArray) === scalarJson(b, inArray);
}

/** The text JSON prints for a scalar (undefined where it prints nothing). */
function scalarJson(v: unknown, inArray: boolean): string | undefined {
  if (omitted(v)) return inArray ? 'null' : undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  return JSON.stringify(v);
}
