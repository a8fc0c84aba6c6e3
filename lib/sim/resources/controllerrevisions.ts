import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { immutable, sameJson } from './format.ts';
import { int, obj, type Shape } from './shape.ts';

/** `statefulset.apps/web`, the CONTROLLER column: the kind and name of the controlling owner. */
function controllerOf(o: KObject): string {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}

const SHAPE: Record<string, Shape> = { data: obj(), revision: int };

export const controllerrevisions: ResourceType = builtIn(
  {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    namespaced: true,
    hasGeneration: false,
    validate(o, old) {
      const errors: FieldError[] = [];
      const revision = o.revision;
      if (!Number.isInteger(revision) || (revision as number) < 0) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'revision',
          value: revision ?? 0,
          detail: 'must be greater than or equal to 0',
        });
      }
      if (old && !sameJson(o.data, old.data)) errors.push(immutable('data', o.data));
      return errors;
    },
    columns: [
      { name: 'Controller', type: 'string', cell: controllerOf },
      { name: 'Revision', type: 'integer', cell: (o) => (o.revision as number | undefined) ?? 0 },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
