/**
 * The Cluster's defaulting and validation, as the operator's webhooks (mcluster.cnpg.io and
 * vcluster.cnpg.io) apply them (api/v1/cluster_defaults.go, internal/webhook/v1/cluster_webhook.go).
 * Defaults are written into the spec, so `kubectl get cluster -o yaml` shows them.
 */
import type { FieldError } from '../../api/errors.ts';
import { clone, isPlainObject } from '../../api/types.ts';
import { parseQuantity } from '../node-matching.ts';
import { DEFAULT_IMAGE } from './naming.ts';
import type { ClusterSpec, StorageConfiguration } from './types.ts';

/** The operator's global PostgreSQL defaults merged into spec.postgresql.parameters (pkg/postgres/configuration.go). */
const DEFAULT_PG_PARAMETERS: Readonly<Record<string, string>> = {
  archive_mode: 'on',
  archive_timeout: '5min',
  wal_level: 'logical',
  wal_keep_size: '512MB',
  wal_receiver_timeout: '5s',
  wal_sender_timeout: '5s',
  max_replication_slots: '32',
  shared_preload_libraries: '',
};

function defaultStorage(storage: StorageConfiguration): StorageConfiguration {
  return { ...storage, resizeInUseVolumes: storage.resizeInUseVolumes ?? true };
}

/** The spec with every default the operator writes back filled in; the input is not changed. */
export function withDefaults(input: ClusterSpec): ClusterSpec {
  const spec = clone(input);
  spec.instances ??= 1;
  spec.imageName ??= DEFAULT_IMAGE;
  spec.storage = defaultStorage(spec.storage ?? {});
  if (spec.walStorage) spec.walStorage = defaultStorage(spec.walStorage);
  spec.primaryUpdateStrategy ??= 'unsupervised';
  spec.primaryUpdateMethod ??= 'restart';
  spec.enablePDB ??= true;
  spec.enableSuperuserAccess ??= false;
  if (spec.nodeMaintenanceWindow) {
    spec.nodeMaintenanceWindow = {
      ...spec.nodeMaintenanceWindow,
      inProgress: spec.nodeMaintenanceWindow.inProgress ?? false,
      reusePVC: spec.nodeMaintenanceWindow.reusePVC ?? true,
    };
  }
  const affinity = { ...(spec.affinity ?? {}) };
  if (affinity.enablePodAntiAffinity !== false && !affinity.podAntiAffinityType) {
    affinity.podAntiAffinityType = 'preferred';
  }
  spec.affinity = affinity;
  spec.failoverDelay ??= 0;
  spec.switchoverDelay ??= 3600;
  spec.startDelay ??= 3600;
  spec.stopDelay ??= 1800;
  spec.smartShutdownTimeout ??= 180;
  spec.maxSyncReplicas ??= 0;
  spec.minSyncReplicas ??= 0;
  spec.logLevel ??= 'info';
  if (!spec.bootstrap || Object.keys(spec.bootstrap).length === 0) spec.bootstrap = { initdb: {} };
  if (spec.bootstrap.initdb) {
    const initdb = { ...spec.bootstrap.initdb };
    initdb.database ??= 'app';
    initdb.owner ??= initdb.database;
    initdb.encoding ??= 'UTF8';
    initdb.localeCollate ??= 'C';
    initdb.localeCType ??= 'C';
    spec.bootstrap = { ...spec.bootstrap, initdb };
  }
  const postgresql = { ...(spec.postgresql ?? {}) };
  postgresql.parameters = { ...DEFAULT_PG_PARAMETERS, ...(postgresql.parameters ?? {}) };
  spec.postgresql = postgresql;
  spec.replicationSlots ??= {
    highAvailability: { enabled: true, slotPrefix: '_cnpg_' },
    synchronizeReplicas: { enabled: true },
    updateInterval: 30,
  };
  spec.primaryLease ??= {
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
    releasedLeaseDurationSeconds: 1,
  };
  return spec;
}

/** A storage size as this validation accepts it: digits and an optional binary or decimal suffix (no sign, exponent or milli). */
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Bytes of a storage quantity (`1Gi`, `500M`), or undefined when it is not one. */
export function quantityBytes(q: string): number | undefined {
  return QUANTITY.test(q.trim()) ? parseQuantity(q) : undefined;
}

/** The storage size a configuration asks for: `size`, else the pvcTemplate's request. */
export function requestedSize(storage: StorageConfiguration | undefined): string | undefined {
  return storage?.size || storage?.pvcTemplate?.resources?.requests?.storage || undefined;
}

function validateStorage(
  path: string,
  storage: StorageConfiguration | undefined,
  old: StorageConfiguration | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  if (storage !== undefined && !isPlainObject(storage)) {
    return [{ type: 'FieldValueInvalid', field: path, value: storage, detail: 'must be an object' }];
  }
  const size = requestedSize(storage);
  if (!size) {
    errors.push({
      type: 'FieldValueInvalid',
      field: path,
      value: storage ?? {},
      detail: 'Size not configured. Please add it, or a storage request in the pvcTemplate.',
    });
    return errors;
  }
  const bytes = quantityBytes(String(size));
  if (bytes === undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field: `${path}.size`,
      value: size,
      detail: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    });
    return errors;
  }
  const oldSize = requestedSize(old);
  const oldBytes = oldSize ? quantityBytes(oldSize) : undefined;
  if (oldBytes !== undefined && bytes < oldBytes) {
    errors.push({
      type: 'FieldValueInvalid',
      field: `${path}.size`,
      value: size,
      detail: `can't shrink existing storage from ${oldSize} to ${size}`,
    });
  }
  return errors;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A CRD schema type error, worded as the API server words it. */
function typeError(field: string, value: unknown, type: string): FieldError {
  return {
    type: 'FieldValueTypeInvalid',
    field,
    value: jsonType(value),
    detail: `${field} in body must be of type ${type}: "${jsonType(value)}"`,
  };
}

/** What the CRD's OpenAPI schema refuses (types and minimums), before any webhook runs. */
export function schemaErrors(spec: unknown): FieldError[] {
  if (spec === undefined) return [{ type: 'FieldValueRequired', field: 'spec' }];
  if (!isPlainObject(spec)) return [typeError('spec', spec, 'object')];
  const s = spec as Record<string, unknown>;
  const errors: FieldError[] = [];
  const integer = (field: string, min: number) => {
    const v = s[field];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v)) errors.push(typeError(`spec.${field}`, v, 'integer'));
    else if (v < min) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `spec.${field}`,
        value: v,
        detail: `spec.${field} in body should be greater than or equal to ${min}`,
      });
    }
  };
  integer('instances', 1);
  integer('failoverDelay', 0);
  integer('switchoverDelay', 0);
  for (const field of [
    'storage',
    'walStorage',
    'nodeMaintenanceWindow',
    'affinity',
    'bootstrap',
    'postgresql',
  ]) {
    if (s[field] !== undefined && !isPlainObject(s[field]))
      errors.push(typeError(`spec.${field}`, s[field], 'object'));
  }
  for (const field of ['enablePDB', 'enableSuperuserAccess']) {
    if (s[field] !== undefined && typeof s[field] !== 'boolean')
      errors.push(typeError(`spec.${field}`, s[field], 'boolean'));
  }
  const mw = s.nodeMaintenanceWindow;
  if (isPlainObject(mw)) {
    for (const key of ['inProgress', 'reusePVC']) {
      if (mw[key] !== undefined && typeof mw[key] !== 'boolean') {
        errors.push(typeError(`spec.nodeMaintenanceWindow.${key}`, mw[key], 'boolean'));
      }
    }
  }
  const string = (path: string, v: unknown) => {
    if (v !== undefined && typeof v !== 'string') errors.push(typeError(path, v, 'string'));
  };
  const stringMap = (path: string, v: unknown) => {
    if (v === undefined) return;
    if (!isPlainObject(v)) errors.push(typeError(path, v, 'object'));
    else for (const [k, x] of Object.entries(v)) string(`${path}.${k}`, x);
  };
  const list = (path: string, v: unknown, items: 'object') => {
    if (v === undefined) return;
    if (!Array.isArray(v)) errors.push(typeError(path, v, 'array'));
    else
      v.forEach((x, i) => {
        if (!isPlainObject(x)) errors.push(typeError(`${path}[${i}]`, x, items));
      });
  };
  const oneOf = (path: string, v: unknown, values: string[]) => {
    if (v === undefined) return;
    if (typeof v !== 'string') errors.push(typeError(path, v, 'string'));
    else if (!values.includes(v)) {
      errors.push({
        type: 'FieldValueNotSupported',
        field: path,
        value: v,
        detail: `supported values: ${values.map((x) => `"${x}"`).join(', ')}`,
      });
    }
  };
  string('spec.imageName', s.imageName);
  oneOf('spec.primaryUpdateStrategy', s.primaryUpdateStrategy, ['unsupervised', 'supervised']);
  oneOf('spec.primaryUpdateMethod', s.primaryUpdateMethod, ['switchover', 'restart']);
  list('spec.topologySpreadConstraints', s.topologySpreadConstraints, 'object');
  for (const key of ['storage', 'walStorage']) {
    const st = s[key];
    if (!isPlainObject(st)) continue;
    string(`spec.${key}.size`, st.size);
    string(`spec.${key}.storageClass`, st.storageClass);
    if (st.pvcTemplate !== undefined && !isPlainObject(st.pvcTemplate)) {
      errors.push(typeError(`spec.${key}.pvcTemplate`, st.pvcTemplate, 'object'));
    }
  }
  const affinity = s.affinity;
  if (isPlainObject(affinity)) {
    if (affinity.enablePodAntiAffinity !== undefined && typeof affinity.enablePodAntiAffinity !== 'boolean') {
      errors.push(
        typeError('spec.affinity.enablePodAntiAffinity', affinity.enablePodAntiAffinity, 'boolean'),
      );
    }
    oneOf('spec.affinity.podAntiAffinityType', affinity.podAntiAffinityType, ['preferred', 'required']);
    string('spec.affinity.topologyKey', affinity.topologyKey);
    stringMap('spec.affinity.nodeSelector', affinity.nodeSelector);
    list('spec.affinity.tolerations', affinity.tolerations, 'object');
    for (const key of ['nodeAffinity', 'additionalPodAntiAffinity', 'additionalPodAffinity']) {
      if (affinity[key] !== undefined && !isPlainObject(affinity[key])) {
        errors.push(typeError(`spec.affinity.${key}`, affinity[key], 'object'));
      }
    }
  }
  if (isPlainObject(s.postgresql)) stringMap('spec.postgresql.parameters', s.postgresql.parameters);
  if (isPlainObject(s.inheritedMetadata)) {
    stringMap('spec.inheritedMetadata.labels', s.inheritedMetadata.labels);
    stringMap('spec.inheritedMetadata.annotations', s.inheritedMetadata.annotations);
  } else if (s.inheritedMetadata !== undefined) {
    errors.push(typeError('spec.inheritedMetadata', s.inheritedMetadata, 'object'));
  }
  if (isPlainObject(s.bootstrap) && s.bootstrap.initdb !== undefined && !isPlainObject(s.bootstrap.initdb)) {
    errors.push(typeError('spec.bootstrap.initdb', s.bootstrap.initdb, 'object'));
  }
  return errors;
}

/** What the validating webhook (vcluster.cnpg.io) refuses of a schema-valid spec. */
export function webhookErrors(spec: ClusterSpec, old?: ClusterSpec): FieldError[] {
  const errors: FieldError[] = [];
  errors.push(...validateStorage('spec.storage', spec.storage, old?.storage));
  if (spec.walStorage !== undefined) {
    errors.push(...validateStorage('spec.walStorage', spec.walStorage, old?.walStorage));
  } else if (old?.walStorage) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.walStorage',
      value: null,
      detail: 'walStorage cannot be disabled once configured',
    });
  }
  return errors;
}

/** Everything that makes a spec unacceptable; empty when it is fine. */
export function validateClusterSpec(spec: ClusterSpec | undefined, old?: ClusterSpec): FieldError[] {
  const schema = schemaErrors(spec);
  return schema.length > 0 ? schema : webhookErrors(spec!, old);
}
