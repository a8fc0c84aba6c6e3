import type { ResourceType } from '../api/resource.ts';
import {
  AUTHORIZATION_GROUP,
  answerReview,
  attributeErrors,
  REVIEW_SHAPE,
  refuseIfInvalid,
  specOf,
} from './access-reviews.ts';
import { builtIn } from './define.ts';
import { ADMIN_USER } from './rbac-authorizer.ts';

/** `kubectl auth can-i`: asked as the simulator's one client, the admin (system:masters), so allowed. */
export const selfsubjectaccessreviews: ResourceType = builtIn(
  {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    namespaced: false,
    verbs: ['create'],
    ephemeral: true,
    prepareForCreate(o, ctx) {
      refuseIfInvalid(attributeErrors(specOf(o)));
      answerReview(o, ctx, ADMIN_USER);
    },
  },
  REVIEW_SHAPE,
);
