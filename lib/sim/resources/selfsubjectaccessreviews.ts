import { invalid } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { obj } from './shape.ts';

/**
 * `kubectl auth can-i`: every request is allowed, as the simulator authorizes everything its
 * token admits. Answered, never stored, like the real review.
 */
export const selfsubjectaccessreviews: ResourceType = builtIn(
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    namespaced: false,
    verbs: ['create'],
    ephemeral: true,
    prepareForCreate(o) {
      const spec = (o.spec ?? {}) as { resourceAttributes?: unknown; nonResourceAttributes?: unknown };
      if ((spec.resourceAttributes == null) === (spec.nonResourceAttributes == null)) {
        // The real message names neither kind nor object: `.authorization.k8s.io "" is invalid: …`.
        throw invalid('', 'authorization.k8s.io', '', [
          {
            type: 'FieldValueInvalid',
            field: 'spec.resourceAttributes',
            value: spec.resourceAttributes ?? null,
            detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
          },
        ]);
      }
      o.metadata = { creationTimestamp: null as unknown as string };
      o.status = { allowed: true, reason: 'the embedded cluster allows every request' };
    },
  },
  { spec: obj({ resourceAttributes: obj(), nonResourceAttributes: obj() }) },
);
