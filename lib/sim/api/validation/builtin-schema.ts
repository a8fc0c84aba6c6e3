/**
 * Checks a built-in object against its kind's schema in the real OpenAPI documents, as
 * kube-apiserver's decoder and validation see it: a field of the wrong JSON type is the decoder's
 * error (`json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort
 * of type int32`), a field the type does not declare is an unknown field (`spec.restartPolicyy`), and
 * an enum the documents declare is a validation error (422). `required` is not checked: in these
 * documents it marks fields Go always serialises, not fields validation demands (per-kind strategies
 * check those, with the real messages).
 *
 * The check walks the object and the document's schema side by side, the way Go's decoder walks JSON
 * into structs: `null` is a zero value anywhere, int-or-string and quantities take either JSON type,
 * and objects with declared properties and no x-kubernetes-preserve-unknown-fields have no room for
 * other fields. (A JSON Schema validator such as ajv was measured for this: compiling the Pod schema
 * takes 0.3–1 s on a busy machine, which cluster start cannot afford, and its errors would still need
 * this walk to name Go's structs and types; the walk needs no compilation and checks a pod in tens of
 * microseconds.)
 */
import type { FieldError } from '../errors.ts';
import { isPlainObject } from '../types.ts';
import {
  groupVersionPath,
  type OpenApiDocument,
  type OpenApiSchema,
  openApiDocument,
  schemaNameOf,
} from './openapi-documents.ts';

export interface SchemaFindings {
  /** The decoder's error for the first field of the wrong JSON type (`json: cannot unmarshal …`). */
  typeError?: string;
  /** Paths (as segments) of fields the schema does not declare, in the order met. */
  unknown: string[][];
  /** Enum violations, as validation reports them. */
  invalid: FieldError[];
  /** The resource.Quantity values met, for the decoder to canonicalise; `resourceList` when a map's value. */
  quantities: { path: string[]; resourceList: boolean }[];
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

interface KindSchema {
  doc: OpenApiDocument;
  root: string;
  rootSchema: Resolved | undefined;
}

const kinds = new Map<string, KindSchema | null>();

function kindSchema(group: string, version: string, kind: string): KindSchema | undefined {
  const key = `${group}/${version}/${kind}`;
  const known = kinds.get(key);
  if (known !== undefined) return known ?? undefined;
  const doc = openApiDocument(groupVersionPath(group, version));
  const root = doc ? schemaNameOf(group, version, kind) : undefined;
  const entry =
    doc && root ? { doc, root, rootSchema: resolve(doc, { $ref: `#/components/schemas/${root}` }) } : null;
  kinds.set(key, entry);
  return entry ?? undefined;
}

/** Whether a kind has a schema in the vendored documents. */
export function hasBuiltInSchema(group: string, version: string, kind: string): boolean {
  return !!kindSchema(group, version, kind);
}

/** Everything the schema says about an object of a built-in kind; undefined when no schema is known. */
export function checkBuiltIn(
  group: string,
  version: string,
  kind: string,
  obj: unknown,
): SchemaFindings | undefined {
  const entry = kindSchema(group, version, kind);
  if (!entry) return undefined;
  const findings: SchemaFindings = { unknown: [], invalid: [], quantities: [] };
  check(entry, obj, entry.rootSchema, [], findings);
  return findings;
}

function jsonTypeFits(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Walks value and schema together; `path` is a shared stack, copied only when something is reported. */
function check(
  entry: KindSchema,
  value: unknown,
  resolved: Resolved | undefined,
  path: string[],
  findings: SchemaFindings,
  inMap = false,
): void {
  if (value === null || value === undefined || !resolved) return;
  const schema = resolved.schema;
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((t) => jsonTypeFits(value, t))) {
    findings.typeError ??= typeErrorText(entry, [...path], value);
    return;
  }
  if (resolved.name === QUANTITY) {
    findings.quantities.push({ path: [...path], resourceList: inMap });
    return;
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    findings.invalid.push({
      type: 'FieldValueNotSupported',
      field: fieldPath(entry, [...path]),
      value,
      detail: `supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`,
    });
  }
  if (Array.isArray(value)) {
    const items = resolveCached(entry.doc, schema.items);
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      check(entry, value[i], items, path, findings);
      path.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const props = schema.properties;
  const values =
    typeof schema.additionalProperties === 'object'
      ? resolveCached(entry.doc, schema.additionalProperties)
      : undefined;
  const closed =
    !!props && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields'];
  for (const key in value) {
    const v = value[key];
    const sub = props?.[key];
    path.push(key);
    if (sub) check(entry, v, resolveCached(entry.doc, sub), path, findings);
    else if (values) check(entry, v, values, path, findings, true);
    else if (closed) findings.unknown.push([...path]);
    path.pop();
  }
}

const typeLists = new WeakMap<OpenApiSchema, string[]>();

/** The JSON types a schema takes: its type, or each of a oneOf of plain types (int-or-string, quantity). */
function typesOf(schema: OpenApiSchema): string[] {
  let types = typeLists.get(schema);
  if (!types) {
    types = schema.oneOf?.every((s) => typeof s.type === 'string')
      ? schema.oneOf.map((s) => s.type as string)
      : typeof schema.type === 'string'
        ? [schema.type]
        : [];
    typeLists.set(schema, types);
  }
  return types;
}

const resolvedSchemas = new WeakMap<OpenApiSchema, Resolved | null>();

function resolveCached(doc: OpenApiDocument, schema: OpenApiSchema | undefined): Resolved | undefined {
  if (!schema) return undefined;
  let r = resolvedSchemas.get(schema);
  if (r === undefined) {
    r = resolve(doc, schema) ?? null;
    resolvedSchemas.set(schema, r);
  }
  return r ?? undefined;
}

interface Resolved {
  schema: OpenApiSchema;
  /** The component name when the schema is a named type. */
  name?: string;
}

function resolve(doc: OpenApiDocument, schema: OpenApiSchema | undefined): Resolved | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]!.$ref : undefined);
  if (ref) {
    const name = ref.slice(ref.lastIndexOf('/') + 1);
    const target = doc.components.schemas[name];
    return target ? { schema: target, name } : undefined;
  }
  return { schema };
}

interface Step {
  kind: 'property' | 'index' | 'key';
  segment: string;
  /** The schema the step leads to. */
  to: Resolved | undefined;
  /** The named struct the property belongs to (property steps). */
  struct?: string;
}

/** The steps from the kind's root along a path, as far as the schema describes them. */
function walk(entry: KindSchema, segments: string[]): Step[] {
  const steps: Step[] = [];
  let cur = resolve(entry.doc, { $ref: `#/components/schemas/${entry.root}` });
  let struct = entry.root;
  for (const segment of segments) {
    const s = cur?.schema;
    if (cur?.name) struct = cur.name;
    if (s?.type === 'array' || s?.items) {
      cur = resolve(entry.doc, s?.items);
      steps.push({ kind: 'index', segment, to: cur });
    } else if (s?.properties?.[segment]) {
      cur = resolve(entry.doc, s.properties[segment]);
      steps.push({ kind: 'property', segment, to: cur, struct });
    } else if (s && typeof s.additionalProperties === 'object') {
      cur = resolve(entry.doc, s.additionalProperties);
      steps.push({ kind: 'key', segment, to: cur });
    } else {
      cur = undefined;
      steps.push({ kind: /^\d+$/.test(segment) ? 'index' : 'property', segment, to: undefined });
    }
  }
  return steps;
}

/** A field path as Kubernetes prints it: `spec.containers[0].ports[1].containerPort`. */
function fieldPath(entry: KindSchema, segments: string[]): string {
  let out = '';
  for (const step of walk(entry, segments)) {
    if (step.kind === 'property') out += out ? `.${step.segment}` : step.segment;
    else out += `[${step.segment}]`;
  }
  return out;
}

/** Unknown-field paths as strict decoding reports them. */
export function unknownFieldPaths(
  group: string,
  version: string,
  kind: string,
  unknown: string[][],
): string[] {
  const entry = kindSchema(group, version, kind);
  if (!entry) return unknown.map((u) => u.join('.'));
  return unknown.map((u) => fieldPath(entry, u));
}

/**
 * A path as server-side apply's typed conversion prints it: `.spec.containers[name="web"].image`
 * (associative lists by their keys, other lists by index).
 */
export function applyFieldPath(
  group: string,
  version: string,
  kind: string,
  obj: unknown,
  segments: string[],
): string {
  const entry = kindSchema(group, version, kind);
  if (!entry) return `.${segments.join('.')}`;
  let out = '';
  let cur: unknown = obj;
  let schema = resolve(entry.doc, { $ref: `#/components/schemas/${entry.root}` })?.schema;
  for (const step of walk(entry, segments)) {
    const keys = schema?.['x-kubernetes-list-map-keys'];
    const element = Array.isArray(cur) ? cur[Number(step.segment)] : undefined;
    if (step.kind === 'index' && keys && element && typeof element === 'object') {
      const parts = keys.map((k) => `${k}=${JSON.stringify((element as Record<string, unknown>)[k])}`);
      out += `[${parts.join(',')}]`;
    } else if (step.kind === 'index') out += `[${step.segment}]`;
    else out += `.${step.segment}`;
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[step.segment] : undefined;
    schema = step.to?.schema;
  }
  return out;
}

function shortName(component: string): string {
  const parts = component.split('.');
  const special: Record<string, string> = {
    'io.k8s.apimachinery.pkg.api.resource.Quantity': 'resource.Quantity',
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'intstr.IntOrString',
    'io.k8s.apimachinery.pkg.runtime.RawExtension': 'runtime.RawExtension',
  };
  return special[component] ?? `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The Go type a schema decodes into, as encoding/json names it in errors. */
function goType(doc: OpenApiDocument, resolved: Resolved | undefined): string {
  if (!resolved) return 'interface {}';
  const { schema, name } = resolved;
  if (name && schema.type === 'object') return shortName(name);
  if (name && !schema.type) return shortName(name);
  switch (schema.type) {
    case 'integer':
      return schema.format === 'int64' ? 'int64' : schema.format === 'int32' ? 'int32' : 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'array':
      return `[]${goType(doc, resolve(doc, schema.items))}`;
    case 'object':
      return typeof schema.additionalProperties === 'object'
        ? `map[string]${goType(doc, resolve(doc, schema.additionalProperties))}`
        : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

function jsonValueKind(value: unknown, target: string): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return /^u?int/.test(target) && !Number.isInteger(value) ? `number ${value}` : 'number';
    default:
      return 'object';
  }
}

function typeErrorText(entry: KindSchema, segments: string[], value: unknown): string {
  const steps = walk(entry, segments);
  const fields = steps.filter((s) => s.kind === 'property');
  const last = steps[steps.length - 1];
  const struct = fields.length > 0 ? shortName(fields[fields.length - 1]!.struct!).split('.')[1] : undefined;
  const target = goType(entry.doc, last?.to);
  const kind = jsonValueKind(value, target);
  if (!struct) return `json: cannot unmarshal ${kind} into Go value of type ${target}`;
  return `json: cannot unmarshal ${kind} into Go struct field ${struct}.${fields.map((f) => f.segment).join('.')} of type ${target}`;
}

/** Whether server-side apply owns the object at a path whole (see atomicObjects). */
export type AtomicTest = (path: readonly string[]) => boolean;

/**
 * A test of FieldsV1 paths remembered per schema location: the items of a list (`k:…`, `v:…`,
 * `i:…`) share one answer, so the memory stays bounded by the schema whatever keys objects hold.
 */
function bySchemaLocation(test: (path: readonly string[]) => boolean): (path: readonly string[]) => boolean {
  const known = new Map<string, boolean>();
  return (path) => {
    let location = '';
    for (const seg of path) location += seg.startsWith('f:') ? `${seg}\u0000` : '*\u0000';
    let answer = known.get(location);
    if (answer === undefined) {
      answer = test(path);
      known.set(location, answer);
    }
    return answer;
  };
}

/**
 * Server-side apply's atomic objects of a kind: the fields (or their types) the schema marks
 * `x-kubernetes-map-type: atomic` — a Service's or a pod's selector, a LabelSelector, an
 * OwnerReference — which one manager owns whole, as one member (`f:selector: {}`), and which an
 * apply replaces rather than merges. A field's own marker wins over its type's (a PV's claimRef is
 * `granular` though ObjectReference is atomic). `path` is a FieldsV1 path (`f:spec`, `k:{…}`).
 * Undefined when no schema is known for the kind.
 */
export function atomicObjects(
  group: string,
  version: string,
  kind: string,
  customSchema?: OpenApiSchema,
): AtomicTest | undefined {
  const entry = customSchema ? undefined : kindSchema(group, version, kind);
  const doc = entry?.doc;
  const root = entry ? entry.rootSchema : customSchema ? { schema: customSchema } : undefined;
  if (!root) return undefined;
  const follow = (schema: OpenApiSchema | undefined) => (doc ? resolve(doc, schema) : schema && { schema });
  return bySchemaLocation((path) => {
    let cur: Resolved | undefined = root;
    let mapType: unknown;
    for (const seg of path) {
      const s: OpenApiSchema | undefined = cur?.schema;
      let next: OpenApiSchema | undefined;
      if (seg.startsWith('f:')) {
        const name = seg.slice(2);
        next =
          s?.properties?.[name] ??
          (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
      } else {
        next = s?.items;
      }
      cur = follow(next);
      mapType = next?.['x-kubernetes-map-type'] ?? cur?.schema['x-kubernetes-map-type'];
      if (!cur) break;
    }
    return cur !== undefined && mapType === 'atomic';
  });
}

/**
 * Whether a node is always in the kind's object as the server's Go types serialise an empty one:
 * non-pointer structs (the documents give them `default: {}`) and fields without omitempty (listed
 * as `required`), under parents that are themselves always there; nothing inside a list item. An
 * Update's managedFields mark any other object or list that the write adds as owned itself (`.`).
 * A custom resource is unstructured on the server: only its metadata is always there.
 */
export function zeroValued(
  group: string,
  version: string,
  kind: string,
  custom: boolean,
): (path: readonly string[]) => boolean {
  const entry = custom ? undefined : kindSchema(group, version, kind);
  if (!entry?.rootSchema) return (path) => path.length === 1 && path[0] === 'f:metadata';
  const doc = entry.doc;
  const root = entry.rootSchema;
  return bySchemaLocation((path) => {
    let cur: Resolved | undefined = root;
    let present = true;
    for (const seg of path) {
      const name = seg.startsWith('f:') ? seg.slice(2) : undefined;
      const prop = name === undefined ? undefined : cur?.schema.properties?.[name];
      if (!prop) {
        present = false;
        break;
      }
      present = prop.default !== undefined || (cur?.schema.required ?? []).includes(name!);
      if (!present) break;
      cur = resolve(doc, prop);
    }
    return present;
  });
}
