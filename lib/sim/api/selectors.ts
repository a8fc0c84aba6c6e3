/**
 * Label and field selectors with the grammar of apimachinery's labels and fields packages.
 * Parse errors become 400 BadRequest, as the real server answers.
 */
import { badRequest } from './errors.ts';

export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = LabelRequirement[];

function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!LABEL_KEY.test(key)) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  }
  return key;
}

function checkValue(value: string, selector: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw badRequest(
      `unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`,
    );
  }
  return value;
}

export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector) return [];
  const out: LabelSelector = [];
  for (const part of splitTopLevel(selector)) {
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const values = setMatch[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
        .map((v) => checkValue(v, selector));
      out.push({ key: checkKey(setMatch[1]!, selector), op: setMatch[2] as 'in' | 'notin', values });
      continue;
    }
    const cmpMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (cmpMatch) {
      out.push({
        key: checkKey(cmpMatch[1]!, selector),
        op: cmpMatch[2] === '!=' ? 'neq' : 'eq',
        value: checkValue(cmpMatch[3]!, selector),
      });
      continue;
    }
    const notExists = /^!\s*(\S+)$/.exec(part);
    if (notExists) {
      out.push({ key: checkKey(notExists[1]!, selector), op: 'notexists' });
      continue;
    }
    if (/^\S+$/.test(part)) {
      out.push({ key: checkKey(part, selector), op: 'exists' });
      continue;
    }
    throw badRequest(
      `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, or end of string`,
    );
  }
  return out;
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
    return false;
  });
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((part) => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
      return { field: m[1]!.trim(), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]!.trim() };
    });
}

/** A matchLabels/matchExpressions selector (metav1.LabelSelector) as objects like PDBs carry it. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export function fromLabelSelectorSpec(spec: LabelSelectorSpec | undefined): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(spec?.matchLabels ?? {})) out.push({ key, op: 'eq', value });
  for (const e of spec?.matchExpressions ?? []) {
    if (e.operator === 'In') out.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') out.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') out.push({ key: e.key, op: 'exists' });
    else out.push({ key: e.key, op: 'notexists' });
  }
  return out;
}
