import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { sameJson, templateContainers, templateImages } from './format.ts';
import {
  defaultTemplate,
  readyOfDesired,
  replicatedShape,
  SCALE_SUBRESOURCE,
  validateReplicated,
} from './replicated.ts';
import { arr, int, obj, str } from './shape.ts';

/** The spec fields an update may change; any other change is refused with the real message. */
const UPDATABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

/** API defaults (apps/v1 SetDefaults_StatefulSet), on every write as the real defaulters run on every decode. */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown> & {
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
    volumeClaimTemplates?: {
      apiVersion?: string;
      kind?: string;
      spec?: Record<string, unknown>;
      status?: unknown;
    }[];
  };
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  // Each claim template is a whole PersistentVolumeClaim to the decoder: kind, apiVersion and status too.
  for (const claim of spec.volumeClaimTemplates ?? []) {
    claim.apiVersion ??= 'v1';
    claim.kind ??= 'PersistentVolumeClaim';
    claim.spec ??= {};
    claim.spec.volumeMode ??= 'Filesystem';
    claim.status ??= { phase: 'Pending' };
  }
  defaultTemplate(spec);
  o.spec = spec;
}

function validate(o: KObject, old: KObject | undefined): FieldError[] {
  const errors = validateReplicated(o, old, 'statefulset');
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const policy = spec.podManagementPolicy;
  if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.podManagementPolicy',
      value: policy,
      detail: 'supported values: "OrderedReady", "Parallel"',
    });
  }
  const strategy = (spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
  if (strategy.type !== 'RollingUpdate' && strategy.type !== 'OnDelete') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.updateStrategy.type',
      value: strategy.type,
      detail: 'supported values: "OnDelete", "RollingUpdate"',
    });
  } else if (strategy.type === 'OnDelete' && strategy.rollingUpdate !== undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.updateStrategy.rollingUpdate',
      value: strategy.rollingUpdate,
      detail: "only allowed for updateStrategy 'RollingUpdate'",
    });
  } else if ((strategy.rollingUpdate?.partition ?? 0) < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.updateStrategy.rollingUpdate.partition',
      value: strategy.rollingUpdate?.partition,
      detail: 'must be greater than or equal to 0',
    });
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ?? {}) as Record<string, unknown>;
  for (const key of ['whenDeleted', 'whenScaled']) {
    if (retention[key] !== 'Retain' && retention[key] !== 'Delete') {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `spec.persistentVolumeClaimRetentionPolicy.${key}`,
        value: retention[key],
        detail: 'supported values: "Delete", "Retain"',
      });
    }
  }
  if (old) {
    const frozen = (s: unknown) =>
      Object.fromEntries(Object.entries((s ?? {}) as object).filter(([k]) => !UPDATABLE.includes(k)));
    if (!sameJson(frozen(o.spec), frozen(old.spec))) {
      errors.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        detail:
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      });
    }
  }
  return errors;
}

export const statefulsets: ResourceType = builtIn(
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    hasStatus: true,
    subresources: SCALE_SUBRESOURCE,
    prepareForCreate(o) {
      defaults(o);
      o.status = { replicas: 0, availableReplicas: 0 };
    },
    prepareForUpdate: (o) => defaults(o),
    validate,
    columns: [
      {
        name: 'Ready',
        type: 'string',
        description: 'Number of the pod with ready state',
        cell: readyOfDesired,
      },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
      { name: 'Images', type: 'string', priority: 1, cell: templateImages },
    ],
  },
  replicatedShape(
    {
      replicas: int,
      readyReplicas: int,
      availableReplicas: int,
      updatedReplicas: int,
      currentReplicas: int,
      currentRevision: str,
      updateRevision: str,
    },
    { volumeClaimTemplates: arr(obj({ metadata: obj(), spec: obj() })), podManagementPolicy: str },
  ),
);
