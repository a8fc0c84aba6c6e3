import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, type Shape } from './shape.ts';

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = { secrets: arr(obj()) };

export const serviceaccounts: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    hasGeneration: false,
    returnDeletedObject: true,
    shortNames: ['sa'],
    subresources: {
      token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
    },
    columns: [
      { name: 'Secrets', type: 'string', cell: (o) => ((o.secrets as unknown[] | undefined) ?? []).length },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
