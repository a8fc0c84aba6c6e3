/**
 * The JSON shape of a built-in kind, as far as the simulator reads it. The real server decodes
 * request bodies into Go structs, so a field of the wrong JSON type is a 400 decode error
 * ("cannot unmarshal string into Go struct field Service.spec ..."), never a crash later on. Each
 * kind declares the fields its hooks and printers read; `builtIn` checks them before any hook runs.
 */
import { badRequest } from '../api/errors.ts';
import { isPlainObject, type KObject } from '../api/types.ts';

export type Shape =
  | { type: 'object'; properties?: Record<string, Shape>; values?: Shape }
  | { type: 'array'; items?: Shape }
  | { type: 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' };

export const str: Shape = { type: 'string' };
export const int: Shape = { type: 'integer' };
export const bool: Shape = { type: 'boolean' };
export const intOrString: Shape = { type: 'int-or-string' };
export const obj = (properties?: Record<string, Shape>): Shape => ({ type: 'object', properties });
export const arr = (items?: Shape): Shape => ({ type: 'array', items });
/** A map with values of one shape (labels, data, capacity). */
export const map = (values: Shape = str): Shape => ({ type: 'object', values });

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return typeof v;
}

function fits(v: unknown, shape: Shape): boolean {
  switch (shape.type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return Number.isInteger(v);
    case 'int-or-string':
      return Number.isInteger(v) || typeof v === 'string';
    default:
      return typeof v === shape.type;
  }
}

function mismatch(v: unknown, shape: Shape, path: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (!fits(v, shape))
    return `cannot unmarshal ${jsonType(v)} into Go struct field ${path} of type ${shape.type}`;
  if (shape.type === 'array' && shape.items) {
    for (const item of v as unknown[]) {
      const m = mismatch(item, shape.items, path);
      if (m) return m;
    }
  }
  if (shape.type === 'object') {
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      const sub = shape.properties?.[key] ?? shape.values;
      const m = sub ? mismatch(value, sub, `${path}.${key}`) : undefined;
      if (m) return m;
    }
  }
  return undefined;
}

/** Throws the real 400 decode error when a declared field has the wrong JSON type. */
export function checkShape(o: KObject, kind: string, version: string, fields: Record<string, Shape>): void {
  for (const [key, shape] of Object.entries(fields)) {
    const m = mismatch(o[key], shape, `${kind}.${key}`);
    if (m) throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: ${m}`);
  }
}
