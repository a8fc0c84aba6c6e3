import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { createdAtColumn, RBAC_GROUP, ROLE_SHAPE, validateRules } from './rbac.ts';

export const clusterroles: ResourceType = builtIn(
  {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'ClusterRole',
    plural: 'clusterroles',
    singular: 'clusterrole',
    namespaced: false,
    hasGeneration: false,
    nameRule: 'path-segment',
    validate: (o) => validateRules(o, false),
    columns: [createdAtColumn],
  },
  ROLE_SHAPE,
);
