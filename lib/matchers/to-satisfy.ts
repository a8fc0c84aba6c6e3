import type { KubernetesObject } from '@kubernetes/client-node';
import {
  fail,
  isPredicate,
  type MatcherDefinition,
  type ObjectState,
  type Predicate,
  pass,
  predicate,
} from '../expect/index.ts';

/**
 * The object satisfies a predicate: an explaining Predicate (`anyOf(field('status.phase', 'Pending'),
 * field('spec.nodeName', not(equals('a'))))`) or a plain function with a description.
 */
export function toSatisfy<T extends KubernetesObject>(
  check: Predicate<T> | ((object: T) => boolean),
  description?: string,
): MatcherDefinition<ObjectState<T>, T> {
  let p: Predicate<T>;
  if (isPredicate<T>(check)) p = check;
  else if (typeof check === 'function') p = predicate(description ?? 'to satisfy the given function', check);
  else throw new TypeError('toSatisfy: expected a predicate (see field/anyOf/allOf/not) or a function');
  return {
    name: 'toSatisfy',
    expectation: `to satisfy ${p.description}`,
    test({ object }) {
      if (!object) return fail('it does not exist');
      const r = p.test(object);
      return r.pass ? pass(object, r.explain) : fail(r.explain);
    },
  };
}
