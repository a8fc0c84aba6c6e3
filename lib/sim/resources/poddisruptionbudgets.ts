import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { LabelSelectorSpec } from '../api/selectors.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { intOrPercentText } from './format.ts';
import { arr, int, intOrString, map, obj, str, type Shape } from './shape.ts';

export interface PdbShape {
  spec?: {
    selector?: LabelSelectorSpec;
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    unhealthyPodEvictionPolicy?: string;
  };
  status?: {
    observedGeneration?: number;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    disruptedPods?: Record<string, string>;
    conditions?: {
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
      observedGeneration?: number;
    }[];
  };
}

const pdb = (o: KObject) => o as unknown as PdbShape;

function intOrPercentErrors(value: unknown, field: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0
      ? []
      : [{ type: 'FieldValueInvalid', field, value, detail: 'must be greater than or equal to 0' }];
  }
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!m) {
    return [
      {
        type: 'FieldValueInvalid',
        field,
        value,
        detail:
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      },
    ];
  }
  return Number(m[1]) > 100
    ? [{ type: 'FieldValueInvalid', field, value, detail: 'must not be greater than 100%' }]
    : [];
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    selector: obj({
      matchLabels: map(),
      matchExpressions: arr(obj({ key: str, operator: str, values: arr(str) })),
    }),
    minAvailable: intOrString,
    maxUnavailable: intOrString,
    unhealthyPodEvictionPolicy: str,
  }),
  status: obj({
    observedGeneration: int,
    disruptionsAllowed: int,
    currentHealthy: int,
    desiredHealthy: int,
    expectedPods: int,
    disruptedPods: map(),
    conditions: arr(obj()),
  }),
};

export const poddisruptionbudgets: ResourceType = builtIn(
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    namespaced: true,
    shortNames: ['pdb'],
    hasStatus: true,
    prepareForCreate(obj) {
      obj.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    },
    validate(obj) {
      const s = pdb(obj).spec;
      const errors: FieldError[] = [];
      if (s?.minAvailable !== undefined && s?.maxUnavailable !== undefined) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec',
          value: s,
          detail: 'minAvailable and maxUnavailable cannot be both set',
        });
      }
      errors.push(...intOrPercentErrors(s?.minAvailable, 'spec.minAvailable'));
      errors.push(...intOrPercentErrors(s?.maxUnavailable, 'spec.maxUnavailable'));
      const policy = s?.unhealthyPodEvictionPolicy;
      if (policy !== undefined && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'spec.unhealthyPodEvictionPolicy',
          value: policy,
          detail: 'supported values: "AlwaysAllow", "IfHealthyBudget"',
        });
      }
      return errors;
    },
    columns: [
      {
        name: 'Min Available',
        type: 'string',
        description: 'The minimum number of pods that must be available.',
        cell: (o) => intOrPercentText(pdb(o).spec?.minAvailable),
      },
      {
        name: 'Max Unavailable',
        type: 'string',
        description: 'The maximum number of pods that may be unavailable.',
        cell: (o) => intOrPercentText(pdb(o).spec?.maxUnavailable),
      },
      {
        name: 'Allowed Disruptions',
        type: 'integer',
        description: 'Calculated number of pods that may be disrupted at this time.',
        cell: (o) => pdb(o).status?.disruptionsAllowed ?? 0,
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
