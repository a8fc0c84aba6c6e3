/**
 * Predicates that explain themselves, and their composition: anyOf, allOf, not, and a field-path
 * predicate. A composed predicate's explanation names which part held or failed, so a failure
 * message reads "phase is Running, and spec.nodeName is 'a' (expected not 'a')" rather than "false".
 */
import { isDeepStrictEqual } from 'node:util';

export interface Judgement {
  pass: boolean;
  /** What was seen, relative to what was expected. */
  explain: string;
}

export interface Predicate<T> {
  /** What the predicate expects, e.g. `phase is Pending`, `spec.nodeName ≠ "a"`. */
  readonly description: string;
  test(value: T): Judgement;
}

/** A predicate from a function; `explain` may describe the value seen (defaults to the description). */
export function predicate<T>(
  description: string,
  test: (value: T) => boolean,
  explain?: (value: T, pass: boolean) => string,
): Predicate<T> {
  return {
    description,
    test(value) {
      const ok = test(value);
      return { pass: ok, explain: explain ? explain(value, ok) : ok ? description : `not: ${description}` };
    },
  };
}

/** Passes when any part passes; explains the passing part, or every failing part. */
export function anyOf<T>(...parts: Predicate<T>[]): Predicate<T> {
  if (parts.length === 0) throw new TypeError('anyOf needs at least one predicate');
  return {
    description: `any of (${parts.map((p) => p.description).join(' | ')})`,
    test(value) {
      const results = parts.map((p) => p.test(value));
      const hit = results.find((r) => r.pass);
      if (hit) return { pass: true, explain: hit.explain };
      return { pass: false, explain: `none of: ${results.map((r) => r.explain).join('; ')}` };
    },
  };
}

/** Passes when every part passes; explains the first failing part, or every passing part. */
export function allOf<T>(...parts: Predicate<T>[]): Predicate<T> {
  if (parts.length === 0) throw new TypeError('allOf needs at least one predicate');
  return {
    description: `all of (${parts.map((p) => p.description).join(' & ')})`,
    test(value) {
      const results = parts.map((p) => p.test(value));
      const miss = results.find((r) => !r.pass);
      if (miss) return { pass: false, explain: miss.explain };
      return { pass: true, explain: results.map((r) => r.explain).join(', and ') };
    },
  };
}

export function not<T>(p: Predicate<T>): Predicate<T> {
  return {
    description: `not (${p.description})`,
    test(value) {
      const r = p.test(value);
      return { pass: !r.pass, explain: r.explain };
    },
  };
}

/** Reads a dotted path (`status.phase`, `spec.containers.0.image`, `metadata.labels.app`). */
export function readPath(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

/**
 * The value at `path` equals `expected` (deep equality), or satisfies a predicate on it:
 * `field('status.phase', 'Running')`, `field('spec.nodeName', not(equals('a')))`.
 */
export function field<T = unknown>(path: string, expected: unknown | Predicate<unknown>): Predicate<T> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError('field: the path must be a dotted path such as "status.phase"');
  const inner = isPredicate(expected) ? expected : equals(expected);
  return {
    description: `${path} ${inner.description}`,
    test(value) {
      const actual = readPath(value, path);
      const r = inner.test(actual);
      return { pass: r.pass, explain: `${path} ${r.explain}` };
    },
  };
}

/** Deep equality with a value. */
export function equals(expected: unknown): Predicate<unknown> {
  return {
    description: `is ${show(expected)}`,
    test(actual) {
      const ok = isDeepStrictEqual(actual, expected);
      return {
        pass: ok,
        explain: ok ? `is ${show(actual)}` : `is ${show(actual)} (expected ${show(expected)})`,
      };
    },
  };
}

/** One of several values. */
export function oneOf(...values: unknown[]): Predicate<unknown> {
  return {
    description: `is one of ${values.map(show).join(', ')}`,
    test(actual) {
      const ok = values.some((v) => isDeepStrictEqual(actual, v));
      return {
        pass: ok,
        explain: ok
          ? `is ${show(actual)}`
          : `is ${show(actual)} (expected one of ${values.map(show).join(', ')})`,
      };
    },
  };
}

export function isPredicate<T>(value: unknown): value is Predicate<T> {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as Predicate<T>).test === 'function' &&
    typeof (value as Predicate<T>).description === 'string'
  );
}
