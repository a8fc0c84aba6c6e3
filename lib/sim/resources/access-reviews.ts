/**
 * What the access reviews share (pkg/apis/authorization/validation, pkg/registry/authorization):
 * their spec checks, with the real 422 (`.authorization.k8s.io "" is invalid: …`: the decoded review
 * carries no kind), and the answer they build. Answered, never stored.
 */
import { type FieldError, invalid } from '../api/errors.ts';
import type { StrategyContext } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import {
  authorize,
  type NonResourceAttributes,
  type ResourceAttributes,
  type UserInfo,
} from './rbac-authorizer.ts';
import { obj } from './shape.ts';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

export interface ReviewSpec {
  resourceAttributes?: ResourceAttributes | null;
  nonResourceAttributes?: NonResourceAttributes | null;
  user?: string;
  groups?: string[];
}

export const REVIEW_SHAPE = {
  spec: obj({ resourceAttributes: obj(), nonResourceAttributes: obj() }),
};

export const specOf = (o: KObject) => (o.spec ?? {}) as ReviewSpec;

/** ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute sets. */
export function attributeErrors(spec: ReviewSpec): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.nonResourceAttributes',
      value: spec.nonResourceAttributes,
      detail: 'cannot be specified in combination with resourceAttributes',
    });
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.resourceAttributes',
      value: null,
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  }
  return errors;
}

/** ValidateSubjectAccessReviewSpec: the attributes, and a user or a group. */
export function subjectErrors(spec: ReviewSpec): FieldError[] {
  const errors = attributeErrors(spec);
  if (!spec.user && (spec.groups ?? []).length === 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.user',
      value: spec.user ?? '',
      detail: 'at least one of user or group must be specified',
    });
  }
  return errors;
}

export function refuseIfInvalid(errors: FieldError[]): void {
  if (errors.length > 0) throw invalid('', AUTHORIZATION_GROUP, '', errors);
}

/** The answer: the review as sent, with the authorizer's decision as status. */
export function answerReview(o: KObject, ctx: StrategyContext, user: UserInfo): void {
  const spec = specOf(o);
  o.metadata = o.metadata.namespace ? { namespace: o.metadata.namespace } : {};
  o.status = authorize(ctx, user, {
    resource: spec.resourceAttributes ?? undefined,
    path: spec.nonResourceAttributes ?? undefined,
  });
}
