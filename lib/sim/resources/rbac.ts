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
  rules: arr(obj({ apiGroups: arr(str), resources: arr(str), verbs: arr(str), resourceNames: arr(str) })),
};

export const BINDING_SHAPE: Record<string, Shape> = {
  roleRef: obj({ apiGroup: str, kind: str, name: str }),
  subjects: arr(obj({ kind: str, name: str, namespace: str, apiGroup: str })),
};

/** roleRef is required and cannot change; subjects need a kind and a name. */
export function validateBinding(o: KObject, old: KObject | undefined, roleKinds: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const ref = binding(o).roleRef;
  if (!ref?.name) errors.push({ type: 'FieldValueRequired', field: 'roleRef.name' });
  if (ref?.kind !== undefined && !roleKinds.includes(ref.kind)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'roleRef.kind',
      value: ref.kind,
      detail: `supported values: ${roleKinds.map((k) => `"${k}"`).join(', ')}`,
    });
  }
  (binding(o).subjects ?? []).forEach((s, i) => {
    if (!s.name) errors.push({ type: 'FieldValueRequired', field: `subjects[${i}].name` });
    if (!['User', 'Group', 'ServiceAccount'].includes(s.kind ?? '')) {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `subjects[${i}].kind`,
        value: s.kind ?? '',
        detail: 'supported values: "Group", "ServiceAccount", "User"',
      });
    }
  });
  if (old && !sameJson(ref, binding(old).roleRef)) {
    errors.push({ type: 'FieldValueInvalid', field: 'roleRef', value: ref, detail: 'cannot change roleRef' });
  }
  return errors;
}
