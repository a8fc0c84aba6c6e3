import type { FieldError } from '../api/errors.ts';
import { labelsErrors } from '../api/metadata.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn, humanDuration } from './define.ts';
import { labelSelectorText, sameJson, templateContainers, templateImages } from './format.ts';
import { defaultTemplate } from './replicated.ts';
import { arr, int, map, obj, str, type Shape } from './shape.ts';

interface JobShape {
  spec?: {
    completions?: number;
    parallelism?: number;
    selector?: { matchLabels?: Record<string, string> };
    manualSelector?: boolean;
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: { restartPolicy?: string; containers?: unknown[] };
    };
  };
  status?: {
    succeeded?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string }[];
  };
}

const job = (o: KObject) => o as unknown as JobShape;

function hasCondition(o: KObject, type: string): boolean {
  return (job(o).status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The STATUS column of `kubectl get jobs` (kubectl ≥ 1.30). */
function jobStatus(o: KObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completions(o: KObject): string {
  const j = job(o);
  const succeeded = j.status?.succeeded ?? 0;
  if (j.spec?.completions !== undefined) return `${succeeded}/${j.spec.completions}`;
  const parallelism = j.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(o: KObject, now: Date): string {
  const s = job(o).status;
  if (!s?.startTime) return '';
  const end = s.completionTime ? Date.parse(s.completionTime) : now.getTime();
  return humanDuration(Math.max(0, end - Date.parse(s.startTime)));
}

/**
 * The pod defaults of a Job's (or a CronJob's job's) template. kube-apiserver leaves the template's
 * restartPolicy unset, so validation asks for OnFailure or Never instead of refusing Always.
 */
export function defaultJobTemplate(holder: Record<string, unknown>): void {
  defaultTemplate(holder, { restartPolicy: false });
}

/**
 * batch/v1's label copy, after validation (measured: a Job created without labels stores its
 * template's, the generated job-name ones included, and a too-long name is reported only for the
 * template's labels).
 */
function copyTemplateLabels(obj: KObject): void {
  const labels = job(obj).spec?.template?.metadata?.labels;
  if (labels && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
}

/**
 * API defaults, on every write as the real defaulters run on every decode, and the generated
 * selector that ties pods to this job by uid (kept on updates that leave it out).
 */
function defaults(obj: KObject, creating = false): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown> & NonNullable<JobShape['spec']>;
  defaultJobTemplate(spec);
  if (creating) spec.manualSelector ??= false;
  spec.parallelism ??= 1;
  if (spec.completions === undefined && spec.parallelism === 1) spec.completions = 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  if (!spec.manualSelector) {
    const uid = obj.metadata.uid!;
    const name = obj.metadata.name!;
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    spec.template ??= {};
    spec.template.metadata = {
      ...spec.template.metadata,
      labels: {
        ...spec.template.metadata?.labels,
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      },
    };
  }
  obj.spec = spec;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    completions: int,
    parallelism: int,
    selector: obj({ matchLabels: map() }),
    template: obj({
      metadata: obj({ labels: map() }),
      spec: obj({ restartPolicy: str, containers: arr(obj()) }),
    }),
  }),
  status: obj({
    succeeded: int,
    startTime: str,
    completionTime: str,
    conditions: arr(obj({ type: str, status: str })),
  }),
};

export const jobs: ResourceType = builtIn(
  {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
    categories: ['all'],
    hasStatus: true,
    prepareForCreate(obj) {
      defaults(obj, true);
      obj.status = {};
    },
    prepareForUpdate: (obj) => defaults(obj),
    defaultStored: copyTemplateLabels,
    validate(obj, old) {
      const j = job(obj);
      const errors: FieldError[] = [];
      const containers = j.spec?.template?.spec?.containers;
      if (!Array.isArray(containers) || containers.length === 0) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.template.spec.containers' });
      }
      // The job-name labels carry the name, so a name longer than a label value (63) is refused here.
      errors.push(...labelsErrors(j.spec?.template?.metadata?.labels, 'spec.template.labels'));
      const policy = j.spec?.template?.spec?.restartPolicy;
      if (policy !== 'OnFailure' && policy !== 'Never') {
        errors.push({
          type: policy === undefined ? 'FieldValueRequired' : 'FieldValueNotSupported',
          field: 'spec.template.spec.restartPolicy',
          value: policy,
          detail:
            policy === undefined
              ? 'valid values: "OnFailure", "Never"'
              : 'supported values: "OnFailure", "Never"',
        });
      }
      if (old) {
        if (!sameJson(j.spec?.selector, job(old).spec?.selector)) {
          errors.push({
            type: 'FieldValueInvalid',
            field: 'spec.selector',
            value: j.spec?.selector,
            detail: 'field is immutable',
          });
        }
        if (!sameJson(j.spec?.template, job(old).spec?.template)) {
          errors.push({
            type: 'FieldValueInvalid',
            field: 'spec.template',
            value: '',
            detail: 'field is immutable',
          });
        }
      }
      return errors;
    },
    columns: [
      { name: 'Status', type: 'string', description: 'Status of the job.', cell: jobStatus },
      { name: 'Completions', type: 'string', cell: completions },
      { name: 'Duration', type: 'string', description: 'Time required to complete the job.', cell: duration },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
      { name: 'Images', type: 'string', priority: 1, cell: templateImages },
      {
        name: 'Selector',
        type: 'string',
        priority: 1,
        cell: (o) => labelSelectorText(job(o).spec?.selector),
      },
    ],
  },
  SHAPE,
);
