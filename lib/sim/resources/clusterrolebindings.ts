import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { BINDING_COLUMNS, BINDING_SHAPE, RBAC_GROUP, validateBinding } from './rbac.ts';

export const clusterrolebindings: ResourceType = builtIn(
  {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    namespaced: false,
    hasGeneration: false,
    validate: (o, old) => validateBinding(o, old, ['ClusterRole']),
    columns: BINDING_COLUMNS,
  },
  BINDING_SHAPE,
);
