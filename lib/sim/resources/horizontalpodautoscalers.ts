import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, int, obj, str } from './shape.ts';

interface MetricTarget {
  type?: string;
  averageUtilization?: number;
}

interface HpaShape {
  spec?: {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: { type?: string; resource?: { name?: string; target?: MetricTarget } }[];
  };
  status?: { currentReplicas?: number };
}

const hpa = (o: KObject) => o as HpaShape;

/** autoscaling/v2 defaults (SetDefaults_HorizontalPodAutoscaler): one replica at least, CPU at 80 %. */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as NonNullable<HpaShape['spec']>;
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ];
  }
  o.spec = spec;
}

/** The main checks of ValidateHorizontalPodAutoscalerSpec. */
function validate(o: KObject): FieldError[] {
  const spec = hpa(o).spec ?? {};
  const errors: FieldError[] = [];
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas ?? 0;
  if (min < 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.minReplicas',
      value: min,
      detail: 'must be greater than or equal to 0',
    });
  }
  if (max < 1) {
    errors.push({
      type: 'FieldValueRequired',
      field: 'spec.maxReplicas',
      detail: 'must be set and greater than 0',
    });
  }
  if (min > max) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.maxReplicas',
      value: max,
      detail: 'must be greater than or equal to `minReplicas`',
    });
  }
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) errors.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.kind' });
  if (!ref.name) errors.push({ type: 'FieldValueRequired', field: 'spec.scaleTargetRef.name' });
  return errors;
}

function targets(o: KObject): string {
  const texts = (hpa(o).spec?.metrics ?? []).map((m) => {
    const t = m.resource?.target;
    const want = t?.averageUtilization !== undefined ? `${t.averageUtilization}%` : '<unset>';
    return `${m.resource?.name ?? m.type ?? ''}: <unknown>/${want}`;
  });
  return texts.length ? texts.join(', ') : '<none>';
}

/**
 * autoscaling/v2 HorizontalPodAutoscaler: stored, defaulted and validated; no controller scales on
 * it (the simulator has no metrics), as on a cluster without metrics-server.
 */
export const horizontalpodautoscalers: ResourceType = builtIn(
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    namespaced: true,
    hasGeneration: false,
    shortNames: ['hpa'],
    categories: ['all'],
    hasStatus: true,
    prepareForCreate(o) {
      defaults(o);
      o.status = { currentMetrics: null, desiredReplicas: 0 };
    },
    prepareForUpdate: (o) => defaults(o),
    validate,
    columns: [
      {
        name: 'Reference',
        type: 'string',
        cell: (o) => `${hpa(o).spec?.scaleTargetRef?.kind ?? ''}/${hpa(o).spec?.scaleTargetRef?.name ?? ''}`,
      },
      { name: 'Targets', type: 'string', cell: targets },
      { name: 'MinPods', type: 'string', cell: (o) => hpa(o).spec?.minReplicas ?? '<unset>' },
      { name: 'MaxPods', type: 'integer', cell: (o) => hpa(o).spec?.maxReplicas ?? 0 },
      { name: 'Replicas', type: 'integer', cell: (o) => hpa(o).status?.currentReplicas ?? 0 },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  {
    spec: obj({
      scaleTargetRef: obj({ apiVersion: str, kind: str, name: str }),
      minReplicas: int,
      maxReplicas: int,
      metrics: arr(obj()),
    }),
  },
);
