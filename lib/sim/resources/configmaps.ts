import type { ResourceType } from '../api/resource.ts';
import { configKeyErrors } from './config-keys.ts';
import { age, builtIn } from './define.ts';
import { immutableDataErrors } from './immutable-data.ts';
import { map, type Shape } from './shape.ts';

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = { data: map(), binaryData: map() };

export const configmaps: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    hasGeneration: false,
    validate: (obj, old) => [
      ...configKeyErrors(obj.data, 'data'),
      ...configKeyErrors(obj.binaryData, 'binaryData'),
      ...(old ? immutableDataErrors(obj, old, ['data', 'binaryData']) : []),
    ],
    columns: [
      {
        name: 'Data',
        type: 'integer',
        cell: (o) => Object.keys((o.data as object | undefined) ?? {}).length,
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
