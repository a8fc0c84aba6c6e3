/**
 * A CRD schema's `x-kubernetes-validations` rules, evaluated as apiextensions-apiserver does on every
 * write: each rule runs at each node of the object its schema sits on, with `self` the node's value
 * and, for transition rules (those that name `oldSelf`), `oldSelf` the value before an update (such
 * rules are skipped on create and where the old object had no value). A rule that answers false is
 * a 422 on the node's path with the node's type as value:
 * `spec: Invalid value: "object": imageName and imageCatalogRef are mutually exclusive`
 * (k8s.io/apiextensions-apiserver pkg/apiserver/schema/cel/validation.go).
 *
 * The expressions run on @marcbachmann/cel-js, a maintained CEL implementation with no dependencies;
 * each rule is parsed once and cached.
 */
import { parse } from '@marcbachmann/cel-js';
import type { FieldError, FieldErrorType } from '../api/errors.ts';
import { isPlainObject } from '../api/types.ts';
import type { Schema, ValidationRule } from './crd-schema.ts';

type Program = (context: Record<string, unknown>) => unknown;

const programs = new Map<string, Program | Error>();

function program(expression: string): Program | Error {
  let p = programs.get(expression);
  if (!p) {
    try {
      p = parse(expression) as unknown as Program;
    } catch (err) {
      p = err instanceof Error ? err : new Error(String(err));
    }
    programs.set(expression, p);
  }
  return p;
}

const SKIPPED_AT_ROOT = new Set(['apiVersion', 'kind', 'metadata']);

/** The node's type as the error names it (the schema's type, or the JSON type). */
function typeOf(schema: Schema, value: unknown): string {
  if (schema.type) return schema.type;
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return typeof value;
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Runs one node's rules; answers the errors of the rules that fail. */
function runRules(
  rules: ValidationRule[],
  schema: Schema,
  value: unknown,
  old: unknown,
  hasOld: boolean,
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const rule of rules) {
    const transition = /\boldSelf\b/.test(rule.rule);
    if (transition && !hasOld) continue;
    const compiled = program(rule.rule);
    const field = rule.fieldPath ? `${path}${rule.fieldPath}` : path || '<root>';
    const type: FieldErrorType = rule.reason ?? 'FieldValueInvalid';
    let outcome: unknown;
    try {
      if (compiled instanceof Error) throw compiled;
      outcome = compiled(transition ? { self: value, oldSelf: old } : { self: value });
    } catch (err) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: typeOf(schema, value),
        detail: `rule compile or evaluation error: ${(err as Error).message}`,
      });
      continue;
    }
    if (outcome === true) continue;
    let message = rule.message || `failed rule: ${rule.rule}`;
    if (rule.messageExpression) {
      const m = program(rule.messageExpression);
      try {
        if (!(m instanceof Error)) {
          const text = m(transition ? { self: value, oldSelf: old } : { self: value });
          if (typeof text === 'string' && text.trim()) message = text;
        }
      } catch {
        // The real server falls back to `message` when the expression fails.
      }
    }
    errors.push({ type, field, value: typeOf(schema, value), detail: message });
  }
  return errors;
}

const withRules = new WeakMap<Schema, boolean>();

/** Whether a schema or anything under it has rules (computed once per schema node). */
function hasRules(schema: Schema): boolean {
  let known = withRules.get(schema);
  if (known === undefined) {
    withRules.set(schema, false); // a recursive schema meets itself as "no rules" while it is computed
    const children = [
      ...Object.values(schema.properties ?? {}),
      ...(schema.items ? [schema.items] : []),
      ...(isPlainObject(schema.additionalProperties) ? [schema.additionalProperties as Schema] : []),
    ];
    known = !!schema['x-kubernetes-validations']?.length || children.some(hasRules);
    withRules.set(schema, known);
  }
  return known;
}

/** The errors of every rule of a schema over an object (and its previous version on update). */
export function celErrors(
  value: unknown,
  old: unknown,
  schema: Schema | undefined,
  path = '',
  hasOld = old !== undefined,
  root = true,
): FieldError[] {
  if (!schema || value === undefined || value === null || !hasRules(schema)) return [];
  const errors: FieldError[] = [];
  const rules = schema['x-kubernetes-validations'];
  if (rules?.length) errors.push(...runRules(rules, schema, value, old, hasOld && old !== undefined, path));
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      // Only map-keyed lists correlate elements with the old object; plain list items have no oldSelf.
      errors.push(...celErrors(item, undefined, schema.items, `${path}[${i}]`, false, false));
    });
  } else if (isPlainObject(value)) {
    const oldObject = isPlainObject(old) ? old : undefined;
    for (const [key, v] of Object.entries(value)) {
      if (root && SKIPPED_AT_ROOT.has(key)) continue;
      const sub =
        schema.properties?.[key] ??
        (isPlainObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined);
      const before = oldObject?.[key];
      errors.push(...celErrors(v, before, sub, childPath(path, key), hasOld && before !== undefined, false));
    }
  }
  return errors;
}
