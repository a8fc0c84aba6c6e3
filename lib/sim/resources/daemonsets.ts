import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { fromLabelSelectorSpec, type LabelSelectorSpec, matchesLabels } from '../api/selectors.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { labelSelectorText, labelsText, sameJson, templateContainers, templateImages } from './format.ts';
import { defaultTemplate } from './replicated.ts';
import { arr, int, map, obj, str, type Shape } from './shape.ts';

interface DaemonSetShape {
  spec?: {
    selector?: LabelSelectorSpec;
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: { restartPolicy?: string; containers?: unknown[]; nodeSelector?: Record<string, string> };
    };
  };
  status?: {
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
  };
}

const ds = (o: KObject) => o as unknown as DaemonSetShape;
const count = (key: keyof NonNullable<DaemonSetShape['status']>) => (o: KObject) => ds(o).status?.[key] ?? 0;

/** API defaults, applied on every write as the real defaulters run on every decode. */
function defaults(obj: KObject): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
  obj.spec = spec;
}

/** The annotation the DaemonSet strategy keeps: 1 on create, one more on each change of the template. */
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function setTemplateGeneration(obj: KObject, generation: number): void {
  obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION]: String(generation) };
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    selector: obj({
      matchLabels: map(),
      matchExpressions: arr(obj({ key: str, operator: str, values: arr(str) })),
    }),
    template: obj({
      metadata: obj({ labels: map() }),
      spec: obj({ restartPolicy: str, containers: arr(obj()), nodeSelector: map() }),
    }),
  }),
  status: obj({
    desiredNumberScheduled: int,
    currentNumberScheduled: int,
    numberReady: int,
    updatedNumberScheduled: int,
    numberAvailable: int,
  }),
};

export const daemonsets: ResourceType = builtIn(
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    singular: 'daemonset',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    hasStatus: true,
    prepareForUpdate(obj, old) {
      defaults(obj);
      const previous = Number.parseInt(old.metadata.annotations?.[TEMPLATE_GENERATION] ?? '', 10) || 0;
      const changed = !sameJson(ds(obj).spec?.template, ds(old).spec?.template);
      setTemplateGeneration(obj, changed ? previous + 1 : previous || 1);
    },
    prepareForCreate(obj) {
      defaults(obj);
      setTemplateGeneration(obj, 1);
      obj.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
      };
    },
    validate(obj, old) {
      const d = ds(obj);
      const errors: FieldError[] = [];
      const selector = d.spec?.selector;
      const labels = d.spec?.template?.metadata?.labels ?? {};
      if (!selector) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.selector' });
      } else if (
        Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length ===
        0
      ) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.selector',
          value: selector,
          detail: 'empty selector is invalid for daemonset',
        });
      } else if (!matchesLabels(fromLabelSelectorSpec(selector), labels)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          value: labels,
          detail: '`selector` does not match template `labels`',
        });
      }
      const containers = d.spec?.template?.spec?.containers;
      if (!Array.isArray(containers) || containers.length === 0) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers' });
      }
      const policy = d.spec?.template?.spec?.restartPolicy;
      if (policy !== undefined && policy !== 'Always') {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'spec.template.spec.restartPolicy',
          value: policy,
          detail: 'supported values: "Always"',
        });
      }
      if (old && !sameJson(selector, ds(old).spec?.selector)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.selector',
          value: selector,
          detail: 'field is immutable',
        });
      }
      return errors;
    },
    columns: [
      { name: 'Desired', type: 'integer', cell: count('desiredNumberScheduled') },
      { name: 'Current', type: 'integer', cell: count('currentNumberScheduled') },
      { name: 'Ready', type: 'integer', cell: count('numberReady') },
      { name: 'Up-to-date', type: 'integer', cell: count('updatedNumberScheduled') },
      { name: 'Available', type: 'integer', cell: count('numberAvailable') },
      {
        name: 'Node Selector',
        type: 'string',
        cell: (o) => labelsText(ds(o).spec?.template?.spec?.nodeSelector),
      },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
      { name: 'Images', type: 'string', priority: 1, cell: templateImages },
      { name: 'Selector', type: 'string', priority: 1, cell: (o) => labelSelectorText(ds(o).spec?.selector) },
    ],
  },
  SHAPE,
);
