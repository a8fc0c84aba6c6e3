import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { conditionOf } from './pod-facts.ts';

export interface ConditionExpectation {
  /** Expected status. Default 'True'. */
  status?: 'True' | 'False' | 'Unknown';
  /** Expected reason, when it matters. */
  reason?: string;
}

/** `status.conditions` has `type` with the expected status (and reason). Works for any kind. */
export function toHaveCondition<T extends KubernetesObject>(
  type: string,
  expected: ConditionExpectation = {},
): MatcherDefinition<ObjectState<T>, T> {
  if (typeof type !== 'string' || type === '')
    throw new TypeError('toHaveCondition: expected a condition type such as "Ready"');
  const status = expected.status ?? 'True';
  if (!['True', 'False', 'Unknown'].includes(status)) {
    throw new TypeError(
      `toHaveCondition: status must be 'True', 'False' or 'Unknown', got ${String(status)}`,
    );
  }
  const want = `${type}=${status}${expected.reason ? ` (reason ${expected.reason})` : ''}`;
  return {
    name: 'toHaveCondition',
    expectation: `to have condition ${want}`,
    test({ object }) {
      if (!object) return fail('it does not exist');
      const c = conditionOf(object, type);
      if (!c) return fail(`it has no ${type} condition`);
      const seen = `${type}=${c.status}${c.reason ? ` (reason ${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`;
      const ok = c.status === status && (!expected.reason || c.reason === expected.reason);
      return ok ? pass(object, seen) : fail(seen);
    },
  };
}
