import type { FieldError } from '../api/errors.ts';
import { isDnsSubdomain, SUBDOMAIN_HINT } from '../api/metadata.ts';
import type { ResourceType, StrategyContext } from '../api/resource.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { accessModesText, sameJson } from './format.ts';
import { arr, map, obj, str, type Shape } from './shape.ts';
import { isDefaultStorageClass } from './storageclasses.ts';

interface PvcShape {
  spec?: {
    accessModes?: string[];
    resources?: { requests?: Record<string, string> };
    volumeName?: string;
    storageClassName?: string;
    volumeMode?: string;
    volumeAttributesClassName?: string;
  };
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
}

const pvc = (o: KObject) => o as unknown as PvcShape;

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** Validation of spec.accessModes shared with PersistentVolumes. */
export function accessModeErrors(modes: unknown, field: string): FieldError[] {
  if (!Array.isArray(modes) || modes.length === 0) {
    return [{ type: 'FieldValueRequired', field, detail: 'at least 1 access mode is required' }];
  }
  const errors: FieldError[] = [];
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m as string)) {
      errors.push({
        type: 'FieldValueNotSupported',
        field,
        value: m,
        detail: `supported values: ${ACCESS_MODES.map((x) => JSON.stringify(x)).join(', ')}`,
      });
    }
  }
  return errors;
}

/** API defaults, applied on every write as the real defaulters run on every decode. */
function defaults(obj: KObject): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  spec.volumeMode ??= 'Filesystem';
  obj.spec = spec;
}

/**
 * The DefaultStorageClass admission plugin: a claim that names no class (nor the beta annotation)
 * gets the default one, the newest if several are marked default.
 */
function defaultStorageClass(obj: KObject, ctx: StrategyContext): void {
  const spec = obj.spec as Record<string, unknown>;
  if (spec.storageClassName !== undefined) return;
  if (obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
  const defaults = ctx.list('storage.k8s.io', 'storageclasses').filter(isDefaultStorageClass);
  defaults.sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  if (defaults[0]) spec.storageClassName = defaults[0].metadata.name;
}

/** The spec without the fields an update may change (volumeName once, requests, attributes class). */
function frozenSpec(spec: PvcShape['spec'], old: PvcShape['spec']): unknown {
  const copy: Record<string, unknown> = { ...(spec ?? {}) };
  if (!old?.volumeName) delete copy.volumeName;
  if (old?.storageClassName === undefined) delete copy.storageClassName;
  delete copy.volumeAttributesClassName;
  const resources = { ...((copy.resources as Record<string, unknown> | undefined) ?? {}) };
  delete resources.requests;
  copy.resources = resources;
  return copy;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    accessModes: arr(str),
    resources: obj({ requests: map(), limits: map() }),
    volumeName: str,
    storageClassName: str,
    volumeMode: str,
    selector: obj(),
  }),
  status: obj({ phase: str, accessModes: arr(str), capacity: map(), conditions: arr(obj()) }),
};

export const persistentvolumeclaims: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    namespaced: true,
    hasGeneration: false,
    shortNames: ['pvc'],
    hasStatus: true,
    returnDeletedObject: true,
    prepareForCreate(obj, ctx) {
      defaults(obj);
      defaultStorageClass(obj, ctx);
      obj.status = { phase: 'Pending' };
    },
    prepareForUpdate: (obj) => defaults(obj),
    validate(obj, old) {
      const p = pvc(obj);
      const errors: FieldError[] = [...accessModeErrors(p.spec?.accessModes, 'spec.accessModes')];
      const storage = p.spec?.resources?.requests?.storage;
      if (storage === undefined || storage === '') {
        errors.push({ type: 'FieldValueRequired', field: 'spec.resources[storage]' });
      }
      const className = p.spec?.storageClassName;
      // Like ValidateClassName: a template left unsubstituted (`${STORAGE_CLASS}`) is refused here.
      if (className && !isDnsSubdomain(className)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.storageClassName',
          value: className,
          detail: SUBDOMAIN_HINT,
        });
      }
      const mode = p.spec?.volumeMode;
      if (mode !== undefined && mode !== 'Filesystem' && mode !== 'Block') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'spec.volumeMode',
          value: mode,
          detail: 'supported values: "Block", "Filesystem"',
        });
      }
      if (old && !sameJson(frozenSpec(p.spec, pvc(old).spec), frozenSpec(pvc(old).spec, pvc(old).spec))) {
        errors.push({
          type: 'FieldValueForbidden',
          field: 'spec',
          detail:
            'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        });
      }
      return errors;
    },
    fields: { 'status.phase': fieldAt('status.phase') },
    columns: [
      {
        name: 'Status',
        type: 'string',
        cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (pvc(o).status?.phase ?? '')),
      },
      { name: 'Volume', type: 'string', cell: (o) => pvc(o).spec?.volumeName ?? '' },
      {
        name: 'Capacity',
        type: 'string',
        cell: (o) => (pvc(o).spec?.volumeName ? (pvc(o).status?.capacity?.storage ?? '0') : ''),
      },
      {
        name: 'Access Modes',
        type: 'string',
        cell: (o) => (pvc(o).spec?.volumeName ? accessModesText(pvc(o).status?.accessModes) : ''),
      },
      {
        name: 'StorageClass',
        type: 'string',
        cell: (o) =>
          pvc(o).spec?.storageClassName ??
          o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ??
          '',
      },
      {
        name: 'VolumeAttributesClass',
        type: 'string',
        cell: (o) => pvc(o).spec?.volumeAttributesClassName || '<unset>',
      },
      { name: 'Age', type: 'string', cell: age },
      { name: 'VolumeMode', type: 'string', priority: 1, cell: (o) => pvc(o).spec?.volumeMode ?? '<unset>' },
    ],
  },
  SHAPE,
);

/** The PV status the real strategy stamps on create and on every phase change. */
export function phaseTransition(phase: string, now: Date): Record<string, unknown> {
  return { phase, lastPhaseTransitionTime: timestamp(now) };
}
