import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { checkShape, formatMismatches, type Shape, shapeMismatches, showShape } from './object-shape.ts';

/**
 * The object matches a partial shape: `{ status: { readyReplicas: 3, conditions: [{ type:
 * 'Ready', status: 'True' }] }, spec: { nodeName: /^worker/ } }`. The failure shows only the paths
 * of the last observed object that differ, each with what was expected and what was there.
 */
export function toMatchObject<T extends KubernetesObject>(shape: {
  readonly [key: string]: Shape;
}): MatcherDefinition<ObjectState<T>, T> {
  if (shape === null || typeof shape !== 'object' || Array.isArray(shape))
    throw new TypeError("toMatchObject: expected a partial object such as { status: { phase: 'Running' } }");
  checkShape(shape, 'toMatchObject');
  return {
    name: 'toMatchObject',
    expectation: `to match ${showShape(shape)}`,
    test({ object }) {
      if (!object) return fail('it does not exist');
      const mismatches = shapeMismatches(shape, object);
      return mismatches.length === 0
        ? pass(object, 'it matches the expected shape')
        : fail(formatMismatches(mismatches));
    },
  };
}
