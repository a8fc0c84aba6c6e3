import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { BINDING_COLUMNS, BINDING_SHAPE, defaultBinding, RBAC_GROUP, validateBinding } from './rbac.ts';

export const clusterrolebindings: ResourceType = builtIn(
  {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    namespaced: false,
    hasGeneration: false,
    nameRule: 'path-segment',
    prepareForCreate: defaultBinding,
    prepareForUpdate: defaultBinding,
    validate: (o, old) => validateBinding(o, old, ['ClusterRole']),
    columns: BINDING_COLUMNS,
  },
  BINDING_SHAPE,
);
