import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';
import { int, obj, str, type Shape } from './shape.ts';

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = { spec: obj({ holderIdentity: str, leaseDurationSeconds: int }) };

export const leases: ResourceType = builtIn(
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    singular: 'lease',
    namespaced: true,
    hasGeneration: false,
    validate(obj) {
      const d = (obj.spec as { leaseDurationSeconds?: number } | undefined)?.leaseDurationSeconds;
      if (d !== undefined && !(Number.isInteger(d) && d > 0)) {
        return [
          {
            type: 'FieldValueInvalid',
            field: 'spec.leaseDurationSeconds',
            value: d,
            detail: 'must be greater than 0',
          },
        ];
      }
      return [];
    },
    columns: [
      {
        name: 'Holder',
        type: 'string',
        cell: (o) => (o.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '',
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
