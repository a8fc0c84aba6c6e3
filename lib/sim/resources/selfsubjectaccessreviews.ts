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
      o.metadata = { creationTimestamp: null as unknown as string };
      o.status = { allowed: true, reason: 'the embedded cluster allows every request' };
    },
  },
  { spec: obj({ resourceAttributes: obj(), nonResourceAttributes: obj() }) },
);
