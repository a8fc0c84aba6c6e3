import type { KubernetesObject } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass, type SetState } from '../expect/index.ts';

const names = (objects: readonly KubernetesObject[]) => objects.map((o) => o.metadata?.name).join(', ');

/** Exactly `count` objects match the selector. */
export function toHaveCount<T extends KubernetesObject>(count: number): MatcherDefinition<SetState<T>, T[]> {
  if (!Number.isInteger(count) || count < 0)
    throw new TypeError('toHaveCount: expected a non-negative integer');
  return {
    name: 'toHaveCount',
    expectation: `to number ${count}`,
    test({ objects }) {
      const seen = `${objects.length} match${objects.length ? ` (${names(objects)})` : ''}`;
      return objects.length === count ? pass([...objects], seen) : fail(seen);
    },
  };
}
