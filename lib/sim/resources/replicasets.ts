import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { templateContainers, templateImages } from './format.ts';
import {
  defaultTemplate,
  replicated,
  replicatedShape,
  SCALE_SUBRESOURCE,
  selectorColumn,
  validateReplicated,
} from './replicated.ts';
import { int } from './shape.ts';

/** API defaults, on every write as the real defaulters run on every decode. */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  spec.replicas ??= 1;
  defaultTemplate(spec);
  o.spec = spec;
}

export const replicasets: ResourceType = builtIn(
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    hasStatus: true,
    subresources: SCALE_SUBRESOURCE,
    prepareForCreate(o) {
      defaults(o);
      o.status = { replicas: 0 };
    },
    prepareForUpdate: (o) => defaults(o),
    validate: (o, old) => validateReplicated(o, old, 'replicaset'),
    columns: [
      { name: 'Desired', type: 'integer', cell: (o) => replicated(o).spec?.replicas ?? 0 },
      { name: 'Current', type: 'integer', cell: (o) => replicated(o).status?.replicas ?? 0 },
      { name: 'Ready', type: 'integer', cell: (o) => replicated(o).status?.readyReplicas ?? 0 },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
      { name: 'Images', type: 'string', priority: 1, cell: templateImages },
      selectorColumn,
    ],
  },
  replicatedShape({ replicas: int, readyReplicas: int, availableReplicas: int, fullyLabeledReplicas: int }),
);
