/**
 * Partial-object shapes (Jest's toMatchObject, Chainsaw's assertion trees) and their diff: a shape
 * names only the fields that matter; nested objects match partially; an array matches when each of
 * its elements matches a different element of the actual array, in any order (conditions,
 * containers and ports have no meaningful order); leaves are values (deep equality), regular
 * expressions (for strings) or predicates. The diff lists only the paths that differ.
 */
import { isDeepStrictEqual } from 'node:util';
import { isPredicate, type Predicate } from '../expect/index.ts';

/** A leaf or a nested partial shape. */
export type Shape =
  | string
  | number
  | boolean
  | null
  | undefined
  | RegExp
  | Predicate<unknown>
  | ((value: unknown) => boolean)
  | readonly Shape[]
  | { readonly [key: string]: Shape };

export interface Mismatch {
  /** `status.conditions[type=Ready].status`, `spec.containers[0]`. */
  path: string;
  expected: string;
  actual: string;
}

/** Keys that name an element of a Kubernetes list (containers by name, conditions by type…). */
const IDENTITY_KEYS = ['name', 'type', 'key', 'containerPort', 'mountPath', 'devicePath', 'ip'];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Throws a TypeError naming the first part of `shape` that is not a shape. */
export function checkShape(shape: unknown, what: string, path = ''): void {
  const at = path || 'the shape';
  if (
    shape === null ||
    shape === undefined ||
    ['string', 'number', 'boolean', 'function'].includes(typeof shape)
  )
    return;
  if (shape instanceof RegExp || isPredicate(shape)) return;
  if (Array.isArray(shape)) {
    for (const [i, s] of shape.entries()) checkShape(s, what, `${path}[${i}]`);
    return;
  }
  if (isPlainObject(shape)) {
    for (const [k, v] of Object.entries(shape)) checkShape(v, what, path ? `${path}.${k}` : k);
    return;
  }
  const kind =
    shape instanceof Date ? 'a Date' : typeof shape === 'object' ? 'an object of a class' : typeof shape;
  throw new TypeError(
    `${what}: ${at} is ${kind}; use a plain value, a nested object, an array, a RegExp or a predicate`,
  );
}

const MAX = 60;
function clip(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

/** A value as the diff prints it. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'unset';
  return clip(JSON.stringify(v) ?? String(v));
}

/** A shape as the expectation and the diff print it: `{ status: { phase: /Run/ } }`. */
export function showShape(s: unknown, limit = 100): string {
  const text = (v: unknown): string => {
    if (v instanceof RegExp) return String(v);
    if (isPredicate(v)) return `(${v.description})`;
    if (typeof v === 'function') return `(satisfies ${v.name || 'a function'})`;
    if (Array.isArray(v)) return `[${v.map(text).join(', ')}]`;
    if (isPlainObject(v)) {
      const inner = Object.entries(v).map(
        ([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${text(x)}`,
      );
      return inner.length ? `{ ${inner.join(', ')} }` : '{}';
    }
    return v === undefined ? 'undefined' : JSON.stringify(v);
  };
  const out = text(s);
  return out.length > limit ? `${out.slice(0, limit - 1)}…` : out;
}

function leafExpectation(s: unknown): string {
  if (s instanceof RegExp) return `a string matching ${s}`;
  if (isPredicate(s)) return s.description;
  if (typeof s === 'function') return `a value that satisfies ${s.name || 'the function'}`;
  return showValue(s);
}

/** The paths where `actual` differs from `shape` (empty when it matches). */
export function shapeMismatches(shape: unknown, actual: unknown, path = ''): Mismatch[] {
  const here = path || '(the object)';
  if (shape instanceof RegExp) {
    return typeof actual === 'string' && shape.test(actual)
      ? []
      : [{ path: here, expected: leafExpectation(shape), actual: showValue(actual) }];
  }
  if (isPredicate(shape)) {
    const r = shape.test(actual);
    if (r.pass) return [];
    // A composed predicate's explanation says which part failed; a plain one only repeats itself.
    const plain = r.explain === shape.description || r.explain === `not: ${shape.description}`;
    return [
      {
        path: here,
        expected: shape.description,
        actual: `${showValue(actual)}${plain ? '' : ` (${r.explain})`}`,
      },
    ];
  }
  if (typeof shape === 'function') {
    return (shape as (v: unknown) => boolean)(actual)
      ? []
      : [{ path: here, expected: leafExpectation(shape), actual: showValue(actual) }];
  }
  if (Array.isArray(shape)) return arrayMismatches(shape, actual, path);
  if (isPlainObject(shape)) {
    if (!isPlainObject(actual)) return [{ path: here, expected: 'an object', actual: showValue(actual) }];
    return Object.entries(shape).flatMap(([k, s]) =>
      shapeMismatches(s, actual[k], path ? `${path}.${k}` : k),
    );
  }
  return isDeepStrictEqual(shape, actual)
    ? []
    : [{ path: here, expected: showValue(shape), actual: showValue(actual) }];
}

export const matchesShape = (shape: unknown, actual: unknown) => shapeMismatches(shape, actual).length === 0;

function arrayMismatches(shape: readonly unknown[], actual: unknown, path: string): Mismatch[] {
  const here = path || '(the object)';
  if (!Array.isArray(actual)) return [{ path: here, expected: 'an array', actual: showValue(actual) }];
  const assigned = assignElements(shape, actual);
  const out: Mismatch[] = [];
  shape.forEach((s, i) => {
    if (assigned[i] !== undefined) return;
    // Explain against the element with the same identity (name, type…) when there is one.
    const id = identityOf(s);
    if (id) {
      const j = actual.findIndex((a) => isPlainObject(a) && isDeepStrictEqual(a[id.key], id.value));
      if (j >= 0) {
        out.push(...shapeMismatches(s, actual[j], `${path}[${id.key}=${String(id.value)}]`));
        return;
      }
      out.push({
        path: `${path}[${id.key}=${String(id.value)}]`,
        expected: showShape(s, MAX),
        actual: 'no such element',
      });
      return;
    }
    out.push({
      path: here,
      expected: `an element matching ${showShape(s, MAX)}`,
      actual: actual.every((a) => typeof a !== 'object' || a === null)
        ? showValue(actual)
        : `${actual.length} elements, none matching`,
    });
  });
  return out;
}

function identityOf(s: unknown): { key: string; value: unknown } | undefined {
  if (!isPlainObject(s)) return undefined;
  const key = IDENTITY_KEYS.find((k) => {
    const v = s[k];
    return typeof v === 'string' || typeof v === 'number';
  });
  return key ? { key, value: s[key] } : undefined;
}

/** Matches each shape element to a different actual element (Kuhn's augmenting paths); undefined where none fits. */
function assignElements(shape: readonly unknown[], actual: readonly unknown[]): (number | undefined)[] {
  const fits = shape.map((s) => actual.map((a) => matchesShape(s, a)));
  const owner: (number | undefined)[] = actual.map(() => undefined);
  const tryAssign = (i: number, seen: Set<number>): boolean => {
    for (let j = 0; j < actual.length; j++) {
      if (!fits[i]![j] || seen.has(j)) continue;
      seen.add(j);
      if (owner[j] === undefined || tryAssign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < shape.length; i++) tryAssign(i, new Set());
  const result: (number | undefined)[] = shape.map(() => undefined);
  owner.forEach((i, j) => {
    if (i !== undefined) result[i] = j;
  });
  return result;
}

/** The diff as the failure message prints it: one line per path, expected vs actual. */
export function formatMismatches(mismatches: readonly Mismatch[], maxLines = 12): string {
  const lines = mismatches
    .slice(0, maxLines)
    .map((m) => `\n    ${m.path}: expected ${m.expected}, got ${m.actual}`);
  if (mismatches.length > maxLines) lines.push(`\n    … ${mismatches.length - maxLines} more`);
  const n = mismatches.length;
  return `${n} ${n === 1 ? 'path differs' : 'paths differ'} from the expected shape:${lines.join('')}`;
}
