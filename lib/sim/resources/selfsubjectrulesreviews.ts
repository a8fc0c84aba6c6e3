import { badRequest } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { AUTHORIZATION_GROUP } from './access-reviews.ts';
import { builtIn } from './define.ts';
import { ADMIN_USER, rulesFor } from './rbac-authorizer.ts';
import { obj, str } from './shape.ts';

const nonEmpty = <T>(list: T[] | undefined) => (list && list.length > 0 ? list : undefined);

/**
 * `kubectl auth can-i --list`: the rules RBAC grants the requester (the admin) in a namespace, in the
 * order the authorizer visits them; the system:masters shortcut adds none.
 */
export const selfsubjectrulesreviews: ResourceType = builtIn(
  {
    group: AUTHORIZATION_GROUP,
    version: 'v1',
    kind: 'SelfSubjectRulesReview',
    plural: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    namespaced: false,
    verbs: ['create'],
    ephemeral: true,
    prepareForCreate(o, ctx) {
      const namespace = (o.spec as { namespace?: string } | undefined)?.namespace ?? '';
      if (!namespace) throw badRequest('no namespace on request');
      const resourceRules: Record<string, unknown>[] = [];
      const nonResourceRules: Record<string, unknown>[] = [];
      for (const { rule } of rulesFor(ctx, ADMIN_USER, namespace)) {
        if (nonEmpty(rule.nonResourceURLs)) {
          nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
        } else {
          resourceRules.push(
            Object.fromEntries(
              Object.entries({
                verbs: rule.verbs,
                apiGroups: nonEmpty(rule.apiGroups),
                resources: nonEmpty(rule.resources),
                resourceNames: nonEmpty(rule.resourceNames),
              }).filter(([, v]) => v !== undefined),
            ),
          );
        }
      }
      o.metadata = {};
      o.status = { resourceRules, nonResourceRules, incomplete: false };
    },
  },
  { spec: obj({ namespace: str }) },
);
