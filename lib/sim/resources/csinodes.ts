import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';

export const csinodes: ResourceType = builtIn({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSINode',
  plural: 'csinodes',
  singular: 'csinode',
  namespaced: false,
  prepareForCreate(obj) {
    const spec = (obj.spec ?? {}) as { drivers?: unknown[] };
    obj.spec = { ...spec, drivers: spec.drivers ?? [] };
  },
  columns: [
    {
      name: 'Drivers',
      type: 'integer',
      cell: (o) => ((o.spec as { drivers?: unknown[] } | undefined)?.drivers ?? []).length,
    },
    { name: 'Age', type: 'string', cell: age },
  ],
});
