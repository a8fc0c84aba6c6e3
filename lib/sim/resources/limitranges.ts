import type { ResourceType } from '../api/resource.ts';
import { builtIn } from './define.ts';
import { createdAtColumn } from './rbac.ts';
import { arr, obj, str } from './shape.ts';

/** Stored and listed; no limits are applied to pods by the simulator. */
export const limitranges: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'LimitRange',
    plural: 'limitranges',
    singular: 'limitrange',
    namespaced: true,
    hasGeneration: false,
    shortNames: ['limits'],
    columns: [createdAtColumn],
  },
  { spec: obj({ limits: arr(obj({ type: str })) }) },
);
