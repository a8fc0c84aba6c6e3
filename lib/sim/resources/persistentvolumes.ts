import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { accessModesText } from './format.ts';
import { accessModeErrors, phaseTransition } from './persistentvolumeclaims.ts';
import { arr, map, obj, str, type Shape } from './shape.ts';

interface PvShape {
  spec?: {
    capacity?: Record<string, string>;
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    storageClassName?: string;
    volumeMode?: string;
    volumeAttributesClassName?: string;
    nodeAffinity?: unknown;
    local?: unknown;
  };
  status?: { phase?: string; reason?: string };
}

const pv = (o: KObject) => o as unknown as PvShape;

/** The volume sources a PersistentVolume may name; exactly one is required. */
const VOLUME_SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

/** API defaults, applied on every write as the real defaulters run on every decode. */
function defaults(obj: KObject): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  spec.persistentVolumeReclaimPolicy ??= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  obj.spec = spec;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    capacity: map(),
    accessModes: arr(str),
    claimRef: obj({ namespace: str, name: str }),
    persistentVolumeReclaimPolicy: str,
    storageClassName: str,
    volumeMode: str,
    nodeAffinity: obj(),
  }),
  status: obj({ phase: str, reason: str }),
};

export const persistentvolumes: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    singular: 'persistentvolume',
    namespaced: false,
    hasGeneration: false,
    shortNames: ['pv'],
    hasStatus: true,
    returnDeletedObject: true,
    prepareForCreate(obj, ctx) {
      defaults(obj);
      obj.status = phaseTransition('Pending', ctx.now);
    },
    prepareForUpdate(obj, old, ctx) {
      defaults(obj);
      const phase = (obj.status as { phase?: string } | undefined)?.phase;
      const before = (old.status as { phase?: string } | undefined)?.phase;
      if (phase && phase !== before) {
        obj.status = {
          ...(obj.status as object),
          lastPhaseTransitionTime: phaseTransition(phase, ctx.now).lastPhaseTransitionTime,
        };
      }
    },
    validate(obj) {
      const p = pv(obj);
      const errors: FieldError[] = [...accessModeErrors(p.spec?.accessModes, 'spec.accessModes')];
      if (!p.spec?.capacity?.storage) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.capacity' });
      }
      const sources = VOLUME_SOURCES.filter(
        (s) => (p.spec as Record<string, unknown> | undefined)?.[s] !== undefined,
      );
      if (sources.length === 0) {
        errors.push({ type: 'FieldValueRequired', field: 'spec', detail: 'must specify a volume type' });
      } else if (sources.length > 1) {
        errors.push({
          type: 'FieldValueForbidden',
          field: `spec.${sources[1]}`,
          detail: 'may not specify more than 1 volume type',
        });
      }
      if (p.spec?.local !== undefined && !p.spec.nodeAffinity) {
        errors.push({
          type: 'FieldValueRequired',
          field: 'spec.nodeAffinity',
          detail: 'Local volume requires node affinity',
        });
      }
      return errors;
    },
    fields: { 'status.phase': fieldAt('status.phase') },
    columns: [
      { name: 'Capacity', type: 'string', cell: (o) => pv(o).spec?.capacity?.storage ?? '' },
      { name: 'Access Modes', type: 'string', cell: (o) => accessModesText(pv(o).spec?.accessModes) },
      {
        name: 'Reclaim Policy',
        type: 'string',
        cell: (o) => pv(o).spec?.persistentVolumeReclaimPolicy ?? '',
      },
      {
        name: 'Status',
        type: 'string',
        cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (pv(o).status?.phase ?? '')),
      },
      {
        name: 'Claim',
        type: 'string',
        cell: (o) => {
          const ref = pv(o).spec?.claimRef;
          return ref?.name ? `${ref.namespace ?? ''}/${ref.name}` : '';
        },
      },
      { name: 'StorageClass', type: 'string', cell: (o) => pv(o).spec?.storageClassName ?? '' },
      {
        name: 'VolumeAttributesClass',
        type: 'string',
        cell: (o) => pv(o).spec?.volumeAttributesClassName || '<unset>',
      },
      { name: 'Reason', type: 'string', cell: (o) => pv(o).status?.reason ?? '' },
      { name: 'Age', type: 'string', cell: age },
      { name: 'VolumeMode', type: 'string', priority: 1, cell: (o) => pv(o).spec?.volumeMode ?? '<unset>' },
    ],
  },
  SHAPE,
);
