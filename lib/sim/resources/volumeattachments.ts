import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { sameJson } from './format.ts';
import { bool, obj, str, type Shape } from './shape.ts';

interface VolumeAttachmentShape {
  spec?: {
    attacher?: string;
    nodeName?: string;
    source?: { persistentVolumeName?: string; inlineVolumeSpec?: unknown };
  };
  status?: { attached?: boolean };
}

const va = (o: KObject) => o as unknown as VolumeAttachmentShape;

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({ attacher: str, nodeName: str, source: obj({ persistentVolumeName: str }) }),
  status: obj({ attached: bool }),
};

export const volumeattachments: ResourceType = builtIn(
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kind: 'VolumeAttachment',
    plural: 'volumeattachments',
    singular: 'volumeattachment',
    namespaced: false,
    hasGeneration: false,
    returnDeletedObject: true,
    hasStatus: true,
    prepareForCreate(obj) {
      obj.status = { attached: false };
    },
    validate(obj, old) {
      const v = va(obj);
      const errors: FieldError[] = [];
      if (!v.spec?.attacher) errors.push({ type: 'FieldValueRequired', field: 'spec.attacher' });
      if (!v.spec?.nodeName) errors.push({ type: 'FieldValueRequired', field: 'spec.nodeName' });
      const src = v.spec?.source;
      if (!src?.persistentVolumeName && src?.inlineVolumeSpec === undefined) {
        errors.push({
          type: 'FieldValueRequired',
          field: 'spec.source',
          detail: 'must specify exactly one of persistentVolumeName and inlineVolumeSpec',
        });
      }
      if (old && !sameJson(v.spec, va(old).spec)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec',
          value: v.spec,
          detail: 'field is immutable',
        });
      }
      return errors;
    },
    columns: [
      { name: 'Attacher', type: 'string', cell: (o) => va(o).spec?.attacher ?? '' },
      { name: 'PV', type: 'string', cell: (o) => va(o).spec?.source?.persistentVolumeName ?? '' },
      { name: 'Node', type: 'string', cell: (o) => va(o).spec?.nodeName ?? '' },
      { name: 'Attached', type: 'boolean', cell: (o) => !!va(o).status?.attached },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
