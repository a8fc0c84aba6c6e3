/** What the four RBAC kinds share: the CREATED AT column and the ROLE/USERS/GROUPS/SERVICEACCOUNTS columns of bindings. */
import type { FieldError } from '../api/errors.ts';
import type { TableColumn } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age } from './define.ts';
import { sameJson } from './format.ts';
import { arr, obj, str, type Shape } from './shape.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const createdAtColumn: TableColumn = {
  name: 'Created At',
  type: 'date',
  cell: (o) => o.metadata.creationTimestamp ?? '',
};

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
  apiGroup?: string;
}

interface BindingShape {
  roleRef?: { apiGroup?: string; kind?: string; name?: string };
  subjects?: Subject[];
}

const binding = (o: KObject) => o as unknown as BindingShape;

function subjectsOf(o: KObject, kind: string, qualify: boolean): string {
  const names = (binding(o).subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (qualify && s.namespace ? `${s.namespace}/${s.name}` : (s.name ?? '')));
  return names.join(', ');
}

export const BINDING_COLUMNS: TableColumn[] = [
  {
    name: 'Role',
    type: 'string',
    cell: (o) => `${binding(o).roleRef?.kind ?? ''}/${binding(o).roleRef?.name ?? ''}`,
  },
  { name: 'Age', type: 'string', cell: age },
  { name: 'Users', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'User', false) },
  { name: 'Groups', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'Group', false) },
  {
    name: 'ServiceAccounts',
    type: 'string',
    priority: 1,
    cell: (o) => subjectsOf(o, 'ServiceAccount', true),
  },
];

export const ROLE_SHAPE: Record<string, Shape> = {
  rules: arr(
    obj({
      apiGroups: arr(str),
      resources: arr(str),
      verbs: arr(str),
      resourceNames: arr(str),
      nonResourceURLs: arr(str),
    }),
  ),
};

export const BINDING_SHAPE: Record<string, Shape> = {
  roleRef: obj({ apiGroup: str, kind: str, name: str }),
  subjects: arr(obj({ kind: str, name: str, namespace: str, apiGroup: str })),
};

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const nonEmpty = (list: unknown[] | undefined) => (list ?? []).length > 0;

/** ValidatePolicyRule (pkg/apis/rbac/validation): the rules of a Role or ClusterRole. */
export function validateRules(o: KObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  ((o.rules as PolicyRule[] | undefined) ?? []).forEach((rule, i) => {
    const at = `rules[${i}]`;
    if (!nonEmpty(rule.verbs)) {
      errors.push({
        type: 'FieldValueRequired',
        field: `${at}.verbs`,
        detail: 'verbs must contain at least one value',
      });
    }
    if (nonEmpty(rule.nonResourceURLs)) {
      const urls = {
        type: 'FieldValueInvalid',
        field: `${at}.nonResourceURLs`,
        value: rule.nonResourceURLs,
      } as const;
      if (namespaced) errors.push({ ...urls, detail: 'namespaced rules cannot apply to non-resource URLs' });
      if (nonEmpty(rule.apiGroups) || nonEmpty(rule.resources) || nonEmpty(rule.resourceNames)) {
        errors.push({
          ...urls,
          detail: 'rules cannot apply to both regular resources and non-resource URLs',
        });
      }
      return;
    }
    if (!nonEmpty(rule.apiGroups)) {
      errors.push({
        type: 'FieldValueRequired',
        field: `${at}.apiGroups`,
        detail: 'resource rules must supply at least one api group',
      });
    }
    if (!nonEmpty(rule.resources)) {
      errors.push({
        type: 'FieldValueRequired',
        field: `${at}.resources`,
        detail: 'resource rules must supply at least one resource',
      });
    }
  });
  const aggregation = o.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined | null;
  if (aggregation && !nonEmpty(aggregation.clusterRoleSelectors)) {
    errors.push({
      type: 'FieldValueRequired',
      field: 'aggregationRule.clusterRoleSelectors',
      detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil',
    });
  }
  return errors;
}

/** The rbac/v1 defaults: roleRef.apiGroup, and the apiGroup of User and Group subjects. */
export function defaultBinding(o: KObject): void {
  const b = binding(o);
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

/**
 * ValidateRoleBinding and ValidateClusterRoleBinding: roleRef (group, kind, name) is required and
 * cannot change; subjects are checked per kind (ValidateRoleBindingSubject).
 */
export function validateBinding(o: KObject, old: KObject | undefined, roleKinds: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const ref = binding(o).roleRef;
  if (ref?.apiGroup !== RBAC_GROUP) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'roleRef.apiGroup',
      value: ref?.apiGroup ?? '',
      detail: `supported values: "${RBAC_GROUP}"`,
    });
  }
  if (!roleKinds.includes(ref?.kind ?? '')) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'roleRef.kind',
      value: ref?.kind ?? '',
      detail: `supported values: ${roleKinds.map((k) => `"${k}"`).join(', ')}`,
    });
  }
  if (!ref?.name) errors.push({ type: 'FieldValueRequired', field: 'roleRef.name' });
  const namespaced = roleKinds.includes('Role');
  (binding(o).subjects ?? []).forEach((s, i) => {
    const at = `subjects[${i}]`;
    if (!s.name) errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) {
        errors.push({
          type: 'FieldValueNotSupported',
          field: `${at}.apiGroup`,
          value: s.apiGroup,
          detail: 'supported values: ""',
        });
      }
      if (!namespaced && !s.namespace) errors.push({ type: 'FieldValueRequired', field: `${at}.namespace` });
    } else if (s.kind === 'User' || s.kind === 'Group') {
      if (s.apiGroup !== RBAC_GROUP) {
        errors.push({
          type: 'FieldValueNotSupported',
          field: `${at}.apiGroup`,
          value: s.apiGroup ?? '',
          detail: `supported values: "${RBAC_GROUP}"`,
        });
      }
    } else {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `${at}.kind`,
        value: s.kind ?? '',
        detail: 'supported values: "ServiceAccount", "User", "Group"',
      });
    }
  });
  if (old && !sameJson(ref, binding(old).roleRef)) {
    errors.push({ type: 'FieldValueInvalid', field: 'roleRef', value: ref, detail: 'cannot change roleRef' });
  }
  return errors;
}
