/**
 * The decode step of a write, as kube-apiserver runs it before defaulting and validation: a field of
 * the wrong JSON type is a 400 whatever the request asks; fields the kind does not declare follow the
 * `fieldValidation` parameter — Strict answers 400 `strict decoding error: unknown field "spec.x"`,
 * Warn (the server's default when the parameter is absent) drops them and answers with a
 * `Warning: 299 - "unknown field \"spec.x\""` header, Ignore drops them silently
 * (apiserver pkg/endpoints/handlers/rest.go fieldValidation; apimachinery ValidateFieldValidation).
 */
import { badRequest, type FieldError, invalid } from '../errors.ts';
import { normaliseQuantity, QuantityError } from '../quantity.ts';
import type { ResourceType } from '../resource.ts';
import { isPlainObject, type KObject } from '../types.ts';
import { checkBuiltIn, type SchemaFindings, unknownFieldPaths } from './builtin-schema.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const SUPPORTED = ['', 'Ignore', 'Strict', 'Warn'];

/**
 * The directive a request's `fieldValidation` parameter asks for; absent or empty is Warn, anything
 * else unsupported is the real 422 on the request's options kind.
 */
export function parseFieldValidation(
  value: string | null | undefined,
  optionsKind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): FieldValidation {
  if (value === null || value === undefined || value === '') return 'Warn';
  if (!SUPPORTED.includes(value)) {
    throw invalid(optionsKind, 'meta.k8s.io', '', [
      {
        type: 'FieldValueNotSupported',
        field: 'fieldValidation',
        value,
        detail: `supported values: ${SUPPORTED.map((v) => JSON.stringify(v)).join(', ')}`,
      },
    ]);
  }
  return value as FieldValidation;
}

/** Where a write's decode findings go: the directive, and the warnings to send back. */
export interface DecodeOptions {
  /** Default Strict: the simulator's own controllers write typed objects, as client-go's do. */
  fieldValidation?: FieldValidation;
  /** Collects the texts of Warning headers (unknown fields under Warn). */
  warnings?: string[];
  /** Fields the request body named twice in one object (`spec.restartPolicy`), as its parser found them. */
  duplicateFields?: string[];
}

/** Paths in the order they appear in the object, as the streaming decoder meets them. */
function documentOrder(obj: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (value: unknown, path: string[]) => {
    order.set(path.join('/'), order.size);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], [...path, String(i)]);
    } else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(obj, []);
  return order;
}

function removeAt(obj: unknown, segments: string[]): void {
  let cur: unknown = obj;
  for (const s of segments.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[s];
  }
  if (isPlainObject(cur)) delete cur[segments[segments.length - 1]!];
}

/**
 * Quantities as the decoder leaves them: parsed and written back in the form the server encodes
 * (`0.5` → `500m`, `1024Mi` → `1Gi`; a ResourceList's values rounded up to milli, as core/v1's
 * SetDefaults_ResourceList does). Throws QuantityError, which each caller words as its path does.
 */
export function canonicaliseQuantities(obj: unknown, quantities: SchemaFindings['quantities']): void {
  for (const { path: segments, resourceList } of quantities) {
    let parent: unknown = obj;
    for (const s of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[s];
    const key = segments[segments.length - 1]!;
    const holder = parent as Record<string, unknown>;
    const value = holder[key];
    if (typeof value === 'string' || typeof value === 'number')
      holder[key] = normaliseQuantity(value, resourceList);
  }
}

function cannotHandle(rt: ResourceType, why: string) {
  return badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${why}`);
}

/**
 * Decodes a write's object in place (unknown fields dropped unless Strict refuses them) and answers the
 * validation errors the schema adds (422s, reported with the kind's own).
 */
export function decodeWrite(rt: ResourceType, obj: KObject, options: DecodeOptions): FieldError[] {
  const mode = options.fieldValidation ?? 'Strict';
  let unknown: string[] = [];
  let errors: FieldError[] = [];
  if (rt.unknownFields) {
    unknown = rt.unknownFields(obj);
  } else {
    const findings = checkBuiltIn(rt.group, rt.version, rt.kind, obj);
    if (!findings) return [];
    if (findings.typeError) throw cannotHandle(rt, findings.typeError);
    try {
      canonicaliseQuantities(obj, findings.quantities);
    } catch (err) {
      // A malformed quantity is the decoder's 400.
      if (err instanceof QuantityError) throw cannotHandle(rt, err.message);
      throw err;
    }
    if (findings.unknown.length > 0) {
      const order = documentOrder(obj);
      const sorted = [...findings.unknown].sort(
        (a, b) => (order.get(a.join('/')) ?? 0) - (order.get(b.join('/')) ?? 0),
      );
      unknown = unknownFieldPaths(rt.group, rt.version, rt.kind, sorted);
      // Go's decoder has nowhere to put them: they are gone whatever the directive.
      if (mode !== 'Strict') for (const u of sorted) removeAt(obj, u);
    }
    errors = findings.invalid;
  }
  const repeated = options.duplicateFields ?? [];
  if ((unknown.length > 0 || repeated.length > 0) && mode !== 'Ignore') {
    const texts = [
      ...unknown.map((f) => `unknown field "${f}"`),
      ...repeated.map((f) => `duplicate field "${f}"`),
    ];
    if (mode === 'Strict') throw cannotHandle(rt, `strict decoding error: ${texts.join(', ')}`);
    options.warnings?.push(...texts);
  }
  return errors;
}
