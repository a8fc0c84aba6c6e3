/**
 * What the real API server does with a CRD's structural OpenAPI v3 schema on every write of a custom
 * object: prune fields the schema does not declare (unless x-kubernetes-preserve-unknown-fields),
 * apply `default`s, and validate types, required fields, enums, bounds and lengths, with the
 * messages kube-openapi gives (`spec.instances in body should be greater than or equal to 1`).
 * apiVersion, kind and metadata are left to the generic checks.
 */
import type { FieldError } from '../api/errors.ts';
import { isPlainObject } from '../api/types.ts';

/** One entry of `x-kubernetes-validations`: a CEL rule and how its failure is reported. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
}

const SKIPPED_AT_ROOT = new Set(['apiVersion', 'kind', 'metadata']);

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Drops undeclared fields and fills in defaults, in place; `pruned` collects the dropped paths. */
export function pruneAndDefault(
  value: unknown,
  schema: Schema | undefined,
  root = true,
  pruned?: string[],
  path = '',
): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        value[i] = pruneAndDefault(value[i], schema.items, false, pruned, `${path}[${i}]`);
      }
    }
    return value;
  }
  if (!isPlainObject(value)) return value;
  const props = schema.properties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  // Defaults first, then into every field (defaulted ones too), as structural defaulting does.
  for (const [key, sub] of Object.entries(props ?? {})) {
    if (root && SKIPPED_AT_ROOT.has(key)) continue;
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
  }
  for (const key of Object.keys(value)) {
    if (root && SKIPPED_AT_ROOT.has(key)) continue;
    const sub =
      props?.[key] ?? (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub) value[key] = pruneAndDefault(value[key], sub, false, pruned, childPath(path, key));
    else if (!preserve && schema.additionalProperties !== true && (props || schema.type === 'object')) {
      pruned?.push(childPath(path, key));
      delete value[key];
    }
  }
  return value;
}

/** The paths of fields a write would lose to pruning (what fieldValidation reports as unknown); reads only. */
export function unknownFields(
  value: unknown,
  schema: Schema | undefined,
  root = true,
  path = '',
  out: string[] = [],
): string[] {
  if (!schema) return out;
  if (Array.isArray(value)) {
    if (schema.items) {
      for (let i = 0; i < value.length; i++)
        unknownFields(value[i], schema.items, false, `${path}[${i}]`, out);
    }
    return out;
  }
  if (!isPlainObject(value)) return out;
  const props = schema.properties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(value)) {
    if (root && SKIPPED_AT_ROOT.has(key)) continue;
    const sub =
      props?.[key] ?? (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub) unknownFields(value[key], sub, false, childPath(path, key), out);
    else if (!preserve && schema.additionalProperties !== true && (props || schema.type === 'object')) {
      out.push(childPath(path, key));
    }
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, schema: Schema): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  const actual = typeName(value);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return actual === 'number' || actual === 'integer';
    default:
      return actual === schema.type;
  }
}

/** Validation errors of a custom object against its version's schema. */
export function validateSchema(value: unknown, schema: Schema | undefined): FieldError[] {
  const errors: FieldError[] = [];
  check(value, schema, '', true, errors);
  return errors;
}

const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source);
    patterns.set(source, re);
  }
  return re;
}

const sameValue = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

function check(
  value: unknown,
  schema: Schema | undefined,
  path: string,
  root: boolean,
  out: FieldError[],
): void {
  if (!schema) return;
  const at = path || '<root>';
  if (value === null) {
    if (!schema.nullable && !root) {
      out.push({
        type: 'FieldValueTypeInvalid',
        field: at,
        value: null,
        detail: `${at} in body must be of type ${schema.type ?? 'object'}: "null"`,
      });
    }
    return;
  }
  if (!typeMatches(value, schema)) {
    out.push({
      type: 'FieldValueTypeInvalid',
      field: at,
      value: typeName(value),
      detail: `${at} in body must be of type ${schema.type}: "${typeName(value)}"`,
    });
    return;
  }
  const errors = out;
  if (schema.enum && !schema.enum.some((e) => sameValue(e, value))) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: at,
      value,
      detail: `supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value === 'number') {
    if (
      schema.minimum !== undefined &&
      (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
    ) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value,
        detail: `${at} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`,
      });
    }
    if (
      schema.maximum !== undefined &&
      (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
    ) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value,
        detail: `${at} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`,
      });
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value,
        detail: `${at} in body should be at least ${schema.minLength} chars long`,
      });
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      errors.push({
        type: 'FieldValueTooLong',
        field: at,
        value,
        detail: `may not be more than ${schema.maxLength} bytes`,
      });
    }
    if (schema.pattern !== undefined && !patternOf(schema.pattern).test(value)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value,
        detail: `${at} in body should match '${schema.pattern}'`,
      });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value: value.length,
        detail: `${at} in body should have at least ${schema.minItems} items`,
      });
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push({
        type: 'FieldValueInvalid',
        field: at,
        value: value.length,
        detail: `${at} in body should have at most ${schema.maxItems} items`,
      });
    }
    for (let i = 0; i < value.length; i++) check(value[i], schema.items, `${path}[${i}]`, false, out);
  }
  if (isPlainObject(value)) {
    for (const key of schema.required ?? []) {
      if (root && SKIPPED_AT_ROOT.has(key)) continue;
      if (value[key] === undefined) errors.push({ type: 'FieldValueRequired', field: childPath(path, key) });
    }
    // In the order of the field names, as the API server reports them.
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, v] of entries) {
      if (root && SKIPPED_AT_ROOT.has(key)) continue;
      const sub =
        schema.properties?.[key] ??
        (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      check(v, sub, childPath(path, key), false, out);
    }
  }
}
