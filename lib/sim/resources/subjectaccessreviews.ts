import type { ResourceType } from '../api/resource.ts';
import {
  AUTHORIZATION_GROUP,
  answerReview,
  REVIEW_SHAPE,
  refuseIfInvalid,
  specOf,
  subjectErrors,
} from './access-reviews.ts';
import { builtIn } from './define.ts';

/** Whether a named user (or service account, or groups) may do something, as RBAC answers. */
export const subjectaccessreviews: ResourceType = builtIn(
  {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind: 'SubjectAccessReview',
    plural: 'subjectaccessreviews',
    singular: 'subjectaccessreview',
    namespaced: false,
    verbs: ['create'],
    ephemeral: true,
    prepareForCreate(o, ctx) {
      const spec = specOf(o);
      refuseIfInvalid(subjectErrors(spec));
      answerReview(o, ctx, { username: spec.user ?? '', groups: spec.groups ?? [] });
    },
  },
  REVIEW_SHAPE,
);
