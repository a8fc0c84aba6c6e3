import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { BINDING_COLUMNS, BINDING_SHAPE, defaultBinding, RBAC_GROUP, validateBinding } from './rbac.ts';

export const rolebindings: ResourceType = builtIn(
  {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    singular: 'rolebinding',
    namespaced: true,
    hasGeneration: false,
    nameRule: 'path-segment',
    prepareForCreate: defaultBinding,
    prepareForUpdate: defaultBinding,
    validate: (o, old) => validateBinding(o, old, ['Role', 'ClusterRole']),
    columns: BINDING_COLUMNS,
  },
  BINDING_SHAPE,
);
