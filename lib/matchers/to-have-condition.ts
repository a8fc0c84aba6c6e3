import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf } from './pod-facts.ts';

export interface ConditionExpectation {
  /** Expected status. Default 'True'. */
  status?: 'True' | 'False' | 'Unknown';
  /** Expected reason (exact, or a pattern), when it matters. */
  reason?: string | RegExp;
  /** Expected message pattern (or exact text), when it matters. */
  message?: string | RegExp;
  /**
   * 'current': the condition speaks for the object's current spec — its `observedGeneration` (or,
   * when conditions carry none, `status.observedGeneration`) is at least `metadata.generation`.
   * A number: that generation or later.
   */
  observedGeneration?: 'current' | number;
}

const KEYS = new Set(['status', 'reason', 'message', 'observedGeneration']);

const show = (p: string | RegExp) => (typeof p === 'string' ? p : String(p));
const fits = (p: string | RegExp | undefined, v: string | undefined) =>
  p === undefined || (typeof p === 'string' ? v === p : p.test(v ?? ''));

function checkExpectation(expected: ConditionExpectation): void {
  if (expected === null || typeof expected !== 'object')
    throw new TypeError("toHaveCondition: the second argument must be an object such as { status: 'True' }");
  for (const key of Object.keys(expected)) {
    if (!KEYS.has(key))
      throw new TypeError(`toHaveCondition: unknown option '${key}'; known: ${[...KEYS].join(', ')}`);
  }
  const status = expected.status ?? 'True';
  if (!['True', 'False', 'Unknown'].includes(status)) {
    throw new TypeError(
      `toHaveCondition: status must be 'True', 'False' or 'Unknown', got ${String(status)}`,
    );
  }
  for (const key of ['reason', 'message'] as const) {
    const v = expected[key];
    if (v !== undefined && typeof v !== 'string' && !(v instanceof RegExp))
      throw new TypeError(`toHaveCondition: ${key} must be a string or a RegExp`);
  }
  const g = expected.observedGeneration;
  if (g !== undefined && g !== 'current' && !(Number.isInteger(g) && g >= 0))
    throw new TypeError("toHaveCondition: observedGeneration must be 'current' or a non-negative integer");
}

/** The generation a condition was written for: its own observedGeneration, else the status's. */
function observedOf(obj: KubernetesObject, conditionGeneration: number | undefined): number | undefined {
  return (
    conditionGeneration ?? (obj as { status?: { observedGeneration?: number } }).status?.observedGeneration
  );
}

/**
 * `status.conditions` has `type` with the expected status (and reason, message, generation). Works
 * for any kind, custom resources included: `eventually(conn, ref).toHaveCondition('Ready', {
 * observedGeneration: 'current' })` is what `kubectl wait --for=condition=Ready` should have been.
 */
export function toHaveCondition<T extends KubernetesObject>(
  type: string,
  expected: ConditionExpectation = {},
): MatcherDefinition<ObjectState<T>, T> {
  if (typeof type !== 'string' || type === '')
    throw new TypeError('toHaveCondition: expected a condition type such as "Ready"');
  checkExpectation(expected);
  const status = expected.status ?? 'True';
  const details = [
    expected.reason !== undefined ? `reason ${show(expected.reason)}` : '',
    expected.message !== undefined ? `message ${show(expected.message)}` : '',
  ].filter(Boolean);
  const gen = expected.observedGeneration;
  const forGen =
    gen === undefined ? '' : gen === 'current' ? ' for the current generation' : ` for generation ${gen}`;
  const want = `${type}=${status}${details.length ? ` (${details.join(', ')})` : ''}${forGen}`;
  return {
    name: 'toHaveCondition',
    expectation: `to have condition ${want}`,
    test({ object }) {
      if (!object) return fail('it does not exist');
      const c = conditionOf(object, type) as
        | { status: string; reason?: string; message?: string; observedGeneration?: number }
        | undefined;
      if (!c) return fail(`it has no ${type} condition`);
      const seen = `${type}=${c.status}${c.reason ? ` (reason ${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`;
      const ok = c.status === status && fits(expected.reason, c.reason) && fits(expected.message, c.message);
      if (!ok) return fail(seen);
      if (gen === undefined) return pass(object, seen);
      const observed = observedOf(object, c.observedGeneration);
      const target = gen === 'current' ? (object.metadata?.generation ?? 0) : gen;
      if (observed === undefined)
        return fail(`${seen}, but neither the condition nor the status has an observedGeneration`);
      if (observed < target) return fail(`${seen}, but observed for generation ${observed}, not ${target}`);
      return pass(object, `${seen}, observed generation ${observed}`);
    },
  };
}
