import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { templateContainers, templateImages } from './format.ts';
import {
  defaultTemplate,
  readyOfDesired,
  replicated,
  replicatedShape,
  SCALE_SUBRESOURCE,
  selectorColumn,
  validateReplicated,
} from './replicated.ts';
import { arr, int, obj, str } from './shape.ts';

/** API defaults (apps/v1 SetDefaults_Deployment), on every write as the real defaulters run on every decode. */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown> & {
    strategy?: { type?: string; rollingUpdate?: Record<string, unknown> };
  };
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
  o.spec = spec;
}

const count = (key: 'updatedReplicas' | 'availableReplicas') => (o: KObject) =>
  replicated(o).status?.[key] ?? 0;

export const deployments: ResourceType = builtIn(
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    hasStatus: true,
    subresources: SCALE_SUBRESOURCE,
    prepareForCreate(o) {
      defaults(o);
      o.status = {};
    },
    prepareForUpdate: (o) => defaults(o),
    validate(o, old) {
      const errors = validateReplicated(o, old, 'deployment');
      const strategy = (o.spec as { strategy?: { type?: string; rollingUpdate?: unknown } }).strategy;
      if (strategy?.type === 'Recreate' && strategy.rollingUpdate !== undefined) {
        errors.push({
          type: 'FieldValueForbidden',
          field: 'spec.strategy.rollingUpdate',
          detail: "may not be specified when strategy `type` is 'Recreate'",
        });
      } else if (strategy?.type !== 'Recreate' && strategy?.type !== 'RollingUpdate') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'spec.strategy.type',
          value: strategy?.type,
          detail: 'supported values: "Recreate", "RollingUpdate"',
        });
      }
      return errors;
    },
    columns: [
      {
        name: 'Ready',
        type: 'string',
        description: 'Number of the pod with ready state',
        cell: readyOfDesired,
      },
      { name: 'Up-to-date', type: 'integer', cell: count('updatedReplicas') },
      { name: 'Available', type: 'integer', cell: count('availableReplicas') },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
      { name: 'Images', type: 'string', priority: 1, cell: templateImages },
      selectorColumn,
    ],
  },
  replicatedShape({
    replicas: int,
    readyReplicas: int,
    availableReplicas: int,
    updatedReplicas: int,
    conditions: arr(obj({ type: str, status: str })),
  }),
);
