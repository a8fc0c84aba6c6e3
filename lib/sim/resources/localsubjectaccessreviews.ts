import type { FieldError } from '../api/errors.ts';
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

/** A SubjectAccessReview confined to its namespace (ValidateLocalSubjectAccessReview). */
export const localsubjectaccessreviews: ResourceType = builtIn(
  {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind: 'LocalSubjectAccessReview',
    plural: 'localsubjectaccessreviews',
    singular: 'localsubjectaccessreview',
    namespaced: true,
    verbs: ['create'],
    ephemeral: true,
    prepareForCreate(o, ctx) {
      const spec = specOf(o);
      const errors: FieldError[] = subjectErrors(spec);
      const asked = spec.resourceAttributes?.namespace ?? '';
      if (spec.resourceAttributes && asked !== o.metadata.namespace) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.resourceAttributes.namespace',
          value: asked,
          detail: 'must match metadata.namespace',
        });
      }
      if (spec.nonResourceAttributes) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.nonResourceAttributes',
          value: spec.nonResourceAttributes,
          detail: 'disallowed on this kind of request',
        });
      }
      refuseIfInvalid(errors);
      answerReview(o, ctx, { username: spec.user ?? '', groups: spec.groups ?? [] });
    },
  },
  REVIEW_SHAPE,
);
