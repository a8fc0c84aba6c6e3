import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { createdAtColumn, RBAC_GROUP, ROLE_SHAPE, validateRules } from './rbac.ts';

export const roles: ResourceType = builtIn(
  {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'Role',
    plural: 'roles',
    singular: 'role',
    namespaced: true,
    hasGeneration: false,
    nameRule: 'path-segment',
    validate: (o) => validateRules(o, true),
    columns: [createdAtColumn],
  },
  ROLE_SHAPE,
);
