import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, str, type Shape } from './shape.ts';

function defaults(obj: KObject): void {
  const spec = (obj.spec ?? {}) as { drivers?: unknown[] };
  obj.spec = { ...spec, drivers: spec.drivers ?? [] };
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({ drivers: arr(obj({ name: str, nodeID: str, topologyKeys: arr(str) })) }),
};

export const csinodes: ResourceType = builtIn(
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'CSINode',
    plural: 'csinodes',
    singular: 'csinode',
    namespaced: false,
    hasGeneration: false,
    returnDeletedObject: true,
    prepareForCreate: (obj) => defaults(obj),
    prepareForUpdate: (obj) => defaults(obj),
    columns: [
      {
        name: 'Drivers',
        type: 'integer',
        cell: (o) => ((o.spec as { drivers?: unknown[] } | undefined)?.drivers ?? []).length,
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
