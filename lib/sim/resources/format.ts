/** Small formatters shared by the server-side printers, matching kubectl's column texts. */
import type { FieldError } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';

/** Reads a value at a dotted path; undefined when any step is missing. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const ACCESS_MODE_ABBREVIATIONS: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,ROX`, in the fixed order kubectl prints them. */
export function accessModesText(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return ACCESS_MODE_ABBREVIATIONS.filter(([mode]) => list.includes(mode))
    .map(([, short]) => short)
    .join(',');
}

/** `a=b,c=d` sorted by key, or `<none>`. */
export function labelsText(labels: unknown): string {
  if (typeof labels !== 'object' || labels === null) return '<none>';
  const entries = Object.entries(labels as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** A metav1.LabelSelector as kubectl prints it (`app=web,tier in (db)`), `<none>` when empty. */
export function labelSelectorText(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '<none>';
  const sel = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn')
      parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.sort().join(',') : '<none>';
}

interface PodTemplateShape {
  spec?: { containers?: { name?: string; image?: string }[]; nodeSelector?: Record<string, string> };
}

/** Container names and images of a workload's pod template (the -o wide columns). */
export function templateContainers(obj: KObject): string {
  const t = valueAt(obj, 'spec.template') as PodTemplateShape | undefined;
  return (t?.spec?.containers ?? []).map((c) => c.name ?? '').join(',');
}

export function templateImages(obj: KObject): string {
  const t = valueAt(obj, 'spec.template') as PodTemplateShape | undefined;
  return (t?.spec?.containers ?? []).map((c) => c.image ?? '').join(',');
}

/** An error for a field that may not change once set (`field is immutable`). */
export function immutable(field: string, value: unknown): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail: 'field is immutable' };
}

/** Whether two JSON values are equal (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** An int-or-percent as kubectl prints it, or `N/A` when unset. */
export function intOrPercentText(value: unknown): string {
  return value === undefined || value === null ? 'N/A' : String(value);
}
