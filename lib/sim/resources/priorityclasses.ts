import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';
import { immutable } from './format.ts';
import { bool, int, str } from './shape.ts';

export const priorityclasses: ResourceType = builtIn(
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    singular: 'priorityclass',
    namespaced: false,
    shortNames: ['pc'],
    prepareForCreate(o) {
      o.preemptionPolicy ??= 'PreemptLowerPriority';
    },
    prepareForUpdate(o) {
      o.preemptionPolicy ??= 'PreemptLowerPriority';
    },
    validate(o, old) {
      const errors: FieldError[] = [];
      if (!Number.isInteger(o.value)) errors.push({ type: 'FieldValueRequired', field: 'value' });
      else if ((o.value as number) > 1_000_000_000 && !o.metadata.name?.startsWith('system-')) {
        errors.push({
          type: 'FieldValueForbidden',
          field: 'value',
          detail: 'maximum allowed value of a user defined priority is 1000000000',
        });
      }
      if (old && o.value !== old.value) {
        errors.push({
          type: 'FieldValueForbidden',
          field: 'value',
          detail: 'may not be changed in an update.',
        });
      }
      if (old && o.preemptionPolicy !== old.preemptionPolicy)
        errors.push(immutable('preemptionPolicy', o.preemptionPolicy));
      return errors;
    },
    columns: [
      { name: 'Value', type: 'integer', cell: (o) => (o.value as number | undefined) ?? 0 },
      { name: 'Global-Default', type: 'boolean', cell: (o) => o.globalDefault === true },
      { name: 'Age', type: 'string', cell: age },
      { name: 'PreemptionPolicy', type: 'string', cell: (o) => String(o.preemptionPolicy ?? '') },
    ],
  },
  { value: int, globalDefault: bool, preemptionPolicy: str, description: str },
);
