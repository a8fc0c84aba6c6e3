import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { sameJson } from './format.ts';
import { arr, bool, map, obj, str, type Shape } from './shape.ts';

interface StorageClassShape {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

const sc = (o: KObject) => o as unknown as StorageClassShape;

/** Whether a class is marked default (the GA annotation or the beta one). */
export function isDefaultStorageClass(o: KObject): boolean {
  const a = o.metadata.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

/** API defaults, applied on every write as the real defaulters run on every decode. */
function defaults(obj: KObject): void {
  obj.reclaimPolicy ??= 'Delete';
  obj.volumeBindingMode ??= 'Immediate';
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  provisioner: str,
  parameters: map(),
  reclaimPolicy: str,
  volumeBindingMode: str,
  allowVolumeExpansion: bool,
  mountOptions: arr(str),
  allowedTopologies: arr(obj()),
};

export const storageclasses: ResourceType = builtIn(
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'StorageClass',
    plural: 'storageclasses',
    singular: 'storageclass',
    namespaced: false,
    hasGeneration: false,
    returnDeletedObject: true,
    shortNames: ['sc'],
    prepareForCreate: (obj) => defaults(obj),
    prepareForUpdate: (obj) => defaults(obj),
    validate(obj, old) {
      const s = sc(obj);
      const errors: FieldError[] = [];
      if (!s.provisioner) errors.push({ type: 'FieldValueRequired', field: 'provisioner' });
      for (const [field, values] of [
        ['reclaimPolicy', ['Delete', 'Recycle', 'Retain']],
        ['volumeBindingMode', ['Immediate', 'WaitForFirstConsumer']],
      ] as const) {
        const v = s[field];
        if (v !== undefined && !(values as readonly string[]).includes(v)) {
          errors.push({
            type: 'FieldValueNotSupported',
            field,
            value: v,
            detail: `supported values: ${values.map((x) => JSON.stringify(x)).join(', ')}`,
          });
        }
      }
      if (old) {
        const o = sc(old);
        if (s.provisioner !== o.provisioner) {
          errors.push({
            type: 'FieldValueForbidden',
            field: 'provisioner',
            detail: 'updates to provisioner are forbidden.',
          });
        }
        if (!sameJson(s.parameters ?? {}, o.parameters ?? {})) {
          errors.push({
            type: 'FieldValueForbidden',
            field: 'parameters',
            detail: 'updates to parameters are forbidden.',
          });
        }
        if (s.reclaimPolicy !== o.reclaimPolicy) {
          errors.push({
            type: 'FieldValueForbidden',
            field: 'reclaimPolicy',
            detail: 'updates to reclaimPolicy are forbidden.',
          });
        }
        if (s.volumeBindingMode !== o.volumeBindingMode) {
          errors.push({
            type: 'FieldValueForbidden',
            field: 'volumeBindingMode',
            detail: 'field is immutable',
          });
        }
      }
      return errors;
    },
    columns: [
      {
        name: 'Name',
        type: 'string',
        format: 'name',
        cell: (o) => (isDefaultStorageClass(o) ? `${o.metadata.name} (default)` : (o.metadata.name ?? '')),
      },
      { name: 'Provisioner', type: 'string', cell: (o) => sc(o).provisioner ?? '' },
      { name: 'ReclaimPolicy', type: 'string', cell: (o) => sc(o).reclaimPolicy ?? 'Delete' },
      { name: 'VolumeBindingMode', type: 'string', cell: (o) => sc(o).volumeBindingMode ?? 'Immediate' },
      { name: 'AllowVolumeExpansion', type: 'string', cell: (o) => String(!!sc(o).allowVolumeExpansion) },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
