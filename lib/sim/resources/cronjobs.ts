import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { isPlainObject, type KObject } from '../api/types.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import { age, builtIn, humanDuration } from './define.ts';
import { labelSelectorText, valueAt } from './format.ts';
import { defaultJobTemplate } from './jobs.ts';
import { arr, bool, obj, str, type Shape } from './shape.ts';

interface CronJobShape {
  spec?: {
    schedule?: string;
    timeZone?: string;
    suspend?: boolean;
    jobTemplate?: {
      spec?: {
        selector?: unknown;
        template?: { spec?: { restartPolicy?: string; containers?: { name?: string; image?: string }[] } };
      };
    };
  };
  status?: { active?: unknown[]; lastScheduleTime?: string };
}

const cj = (o: KObject) => o as unknown as CronJobShape;
const podTemplate = (o: KObject) => cj(o).spec?.jobTemplate?.spec?.template;

/** API defaults (batch/v1 SetDefaults_CronJob), on every write. */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  if (!isPlainObject(spec.jobTemplate)) spec.jobTemplate = {};
  const jobTemplate = spec.jobTemplate as Record<string, unknown>;
  if (!isPlainObject(jobTemplate.metadata)) jobTemplate.metadata = {};
  if (!isPlainObject(jobTemplate.spec)) jobTemplate.spec = {};
  defaultJobTemplate(jobTemplate.spec as Record<string, unknown>);
  o.spec = spec;
}

function validate(o: KObject): FieldError[] {
  const errors: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (name.length > 52) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: 'must be no more than 52 characters',
    });
  }
  const schedule = cj(o).spec?.schedule;
  if (!schedule) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.schedule' });
  } else if (/(^|\s)(CRON_)?TZ=/.test(schedule)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.schedule',
      value: schedule,
      detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    });
  } else {
    try {
      parseCronSchedule(schedule);
    } catch (err) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.schedule',
        value: schedule,
        detail: (err as Error).message,
      });
    }
  }
  const policy = (valueAt(o, 'spec.concurrencyPolicy') as string | undefined) ?? 'Allow';
  if (!['Allow', 'Forbid', 'Replace'].includes(policy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.concurrencyPolicy',
      value: policy,
      detail: 'supported values: "Allow", "Forbid", "Replace"',
    });
  }
  const containers = podTemplate(o)?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.jobTemplate.spec.template.spec.containers' });
  }
  const restart = podTemplate(o)?.spec?.restartPolicy;
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errors.push({
      type: restart === undefined ? 'FieldValueRequired' : 'FieldValueNotSupported',
      field: 'spec.jobTemplate.spec.template.spec.restartPolicy',
      value: restart,
      detail:
        restart === undefined
          ? 'valid values: "OnFailure", "Never"'
          : 'supported values: "OnFailure", "Never"',
    });
  }
  return errors;
}

const SHAPE: Record<string, Shape> = {
  spec: obj({
    schedule: str,
    timeZone: str,
    suspend: bool,
    concurrencyPolicy: str,
    jobTemplate: obj({ metadata: obj(), spec: obj({ template: obj({ metadata: obj(), spec: obj() }) }) }),
  }),
  status: obj({ active: arr(obj()), lastScheduleTime: str, lastSuccessfulTime: str }),
};

export const cronjobs: ResourceType = builtIn(
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    hasStatus: true,
    prepareForCreate(o) {
      defaults(o);
      o.status = {};
    },
    prepareForUpdate: (o) => defaults(o),
    validate: (o) => validate(o),
    columns: [
      { name: 'Schedule', type: 'string', cell: (o) => cj(o).spec?.schedule ?? '' },
      { name: 'Timezone', type: 'string', cell: (o) => cj(o).spec?.timeZone ?? '<none>' },
      { name: 'Suspend', type: 'boolean', cell: (o) => (cj(o).spec?.suspend ? 'True' : 'False') },
      { name: 'Active', type: 'integer', cell: (o) => cj(o).status?.active?.length ?? 0 },
      {
        name: 'Last Schedule',
        type: 'string',
        cell: (o, now) => {
          const last = cj(o).status?.lastScheduleTime;
          return last ? humanDuration(Math.max(0, now.getTime() - Date.parse(last))) : '<none>';
        },
      },
      { name: 'Age', type: 'string', cell: age },
      {
        name: 'Containers',
        type: 'string',
        priority: 1,
        cell: (o) => (podTemplate(o)?.spec?.containers ?? []).map((c) => c.name ?? '').join(','),
      },
      {
        name: 'Images',
        type: 'string',
        priority: 1,
        cell: (o) => (podTemplate(o)?.spec?.containers ?? []).map((c) => c.image ?? '').join(','),
      },
      {
        name: 'Selector',
        type: 'string',
        priority: 1,
        cell: (o) => labelSelectorText(cj(o).spec?.jobTemplate?.spec?.selector),
      },
    ],
  },
  SHAPE,
);
