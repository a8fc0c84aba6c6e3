import type { ResourceType } from '../api/resource.ts';
import { timestamp } from '../api/types.ts';
import { builtIn } from './define.ts';
import { ADMIN_USER } from './rbac-authorizer.ts';

/** `kubectl auth whoami`: every client of the simulator is its admin. */
export const selfsubjectreviews: ResourceType = builtIn({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: ['create'],
  ephemeral: true,
  prepareForCreate(o, ctx) {
    o.metadata = { creationTimestamp: timestamp(ctx.now) };
    o.status = { userInfo: { username: ADMIN_USER.username, groups: [...ADMIN_USER.groups] } };
  },
});
