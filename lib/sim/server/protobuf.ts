/**
 * The Kubernetes protobuf wire format (`application/vnd.kubernetes.protobuf`) for every built-in
 * kind, read from the real definitions: the `generated.proto` files of k8s.io/api, apimachinery and
 * apiextensions-apiserver (./data/proto, compiled into descriptor.json), with fields.json (derived
 * from their Go types) for where JSON differs from the messages: other names (`$ref`), inline
 * structs (a Volume's source), zero values JSON leaves out. A body is the `k8s\0` magic, then a
 * runtime.Unknown envelope whose `raw` holds the object, as the real server reads and writes it.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { badRequest, unsupportedMediaType } from '../api/errors.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

interface FieldRule {
  json?: string;
  inline?: boolean;
  omitZero?: boolean;
}

let loaded: { root: protobuf.Root; rules: Record<string, Record<string, FieldRule>> } | undefined;

function definitions() {
  if (!loaded) {
    const read = (file: string) =>
      JSON.parse(readFileSync(new URL(`../data/proto/${file}`, import.meta.url), 'utf8'));
    loaded = { root: protobuf.Root.fromJSON(read('descriptor.json')), rules: read('fields.json') };
  }
  return loaded;
}

function lookup(fullName: string): protobuf.Type | undefined {
  try {
    return definitions().root.lookupType(fullName);
  } catch {
    return undefined;
  }
}

/** The proto package of an API group version: `apps/v1` → k8s.io.api.apps.v1. */
function packageOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (group === '') return `k8s.io.api.core.${version}`;
  if (group === 'meta.k8s.io') return `k8s.io.apimachinery.pkg.apis.meta.${version}`;
  if (group === 'apiextensions.k8s.io')
    return `k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.${version}`;
  if (group === 'internal.apiserver.k8s.io') return `k8s.io.api.apiserverinternal.${version}`;
  return `k8s.io.api.${group.split('.')[0]}.${version}`;
}

/** The message type of a kind, or undefined when it has none (custom resources). Status and options live in meta. */
export function protobufType(apiVersion: string, kind: string): protobuf.Type | undefined {
  return lookup(`${packageOf(apiVersion)}.${kind}`) ?? lookup(`${META}.${kind}`);
}

// ---- proto → JSON ----

const own = (o: object, k: string) => Object.hasOwn(o, k);

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}

function rfc3339(seconds: number, fraction?: string): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${iso}${fraction ?? ''}Z`;
}

/** Go's time.Duration.String(): 1h2m3.5s, 150ms, 0s. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1e9) {
    if (n < 1e3) return `${sign}${n}ns`;
    if (n < 1e6) return `${sign}${n / 1e3}µs`;
    return `${sign}${n / 1e6}ms`;
  }
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = n / 1e9;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]) * units[m[2]!]!;
  return text.startsWith('-') ? -total : total;
}

function rawJson(raw: unknown): unknown {
  const bytes = Buffer.from((raw as Uint8Array | undefined) ?? []);
  if (bytes.length === 0) return undefined;
  if (bytes.subarray(0, 4).equals(MAGIC)) return decodeProtobufBody(bytes);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badRequest('protobuf: an embedded object is neither JSON nor protobuf');
  }
}

/** Messages whose JSON is not an object of their fields. */
const TO_JSON: Record<string, (msg: Record<string, unknown>, type: protobuf.Type) => unknown> = {
  [`${META}.Time`]: (m) => (num(m.seconds) === 0 && num(m.nanos) === 0 ? undefined : rfc3339(num(m.seconds))),
  [`${META}.MicroTime`]: (m) =>
    num(m.seconds) === 0 && num(m.nanos) === 0
      ? undefined
      : rfc3339(num(m.seconds), `.${String(Math.floor(num(m.nanos) / 1000)).padStart(6, '0')}`),
  [`${META}.Duration`]: (m) => goDuration(num(m.duration)),
  [`${META}.FieldsV1`]: (m) => rawJson(m.Raw),
  [`${META}.Verbs`]: (m) => m.items ?? [],
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (m) =>
    num(m.type) === 1 ? (m.strVal ?? '') : num(m.intVal),
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => m.string ?? '',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (m) => rawJson(m.raw),
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': (m) => rawJson(m.raw),
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': (m, t) =>
    own(m, 'schema')
      ? toJson(t.fields.schema!.resolvedType as protobuf.Type, m.schema as Record<string, unknown>)
      : valuesOf(t.fields.jSONSchemas!, m.jSONSchemas),
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': (m, t) =>
    own(m, 'schema')
      ? toJson(t.fields.schema!.resolvedType as protobuf.Type, m.schema as Record<string, unknown>)
      : m.allows === true,
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': (m, t) =>
    own(m, 'schema')
      ? toJson(t.fields.schema!.resolvedType as protobuf.Type, m.schema as Record<string, unknown>)
      : (m.property ?? []),
};

function valueToJson(field: protobuf.Field, v: unknown): unknown {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Type)
    return toJson(field.resolvedType, v as Record<string, unknown>);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v && typeof v === 'object' && 'toNumber' in v) return num(v);
  return v;
}

function valuesOf(field: protobuf.Field, v: unknown): unknown[] {
  return ((v as unknown[] | undefined) ?? []).map((x) => valueToJson(field, x));
}

function toJson(type: protobuf.Type, msg: Record<string, unknown>): unknown {
  const name = type.fullName.slice(1);
  const special =
    TO_JSON[name] ??
    (name.endsWith('.ExtraValue') ? (m: Record<string, unknown>) => m.items ?? [] : undefined);
  if (special) return special(msg, type);
  const rules = definitions().rules[name] ?? {};
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!own(msg, field.name)) continue;
    let v: unknown = msg[field.name];
    if (field.map) {
      const entries = Object.entries((v as Record<string, unknown>) ?? {});
      if (entries.length === 0) continue;
      v = Object.fromEntries(entries.map(([k, x]) => [k, valueToJson(field, x)]));
    } else if (field.repeated) {
      if (!Array.isArray(v) || v.length === 0) continue;
      v = valuesOf(field, v);
    } else {
      v = valueToJson(field, v);
    }
    if (v === undefined) continue;
    const rule = rules[field.name];
    if (rule?.omitZero && (v === '' || v === 0 || v === false)) continue;
    if (rule?.inline && v && typeof v === 'object') Object.assign(out, v);
    else out[rule?.json ?? field.name] = v;
  }
  return out;
}

// ---- JSON → proto ----

function timeFromJson(value: unknown, micro: boolean): Record<string, number> | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`protobuf: ${JSON.stringify(value)} is not an RFC 3339 time`);
  const seconds = Math.floor(ms / 1000);
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  const nanos = micro ? Number(fraction.padEnd(9, '0').slice(0, 9)) : 0;
  return { seconds, nanos };
}

const rawOf = (value: unknown) => Buffer.from(JSON.stringify(value));

const FROM_JSON: Record<string, (value: unknown, type: protobuf.Type) => unknown> = {
  [`${META}.Time`]: (v) => timeFromJson(v, false),
  [`${META}.MicroTime`]: (v) => timeFromJson(v, true),
  [`${META}.Duration`]: (v) => ({ duration: parseGoDuration(String(v)) }),
  [`${META}.FieldsV1`]: (v) => ({ Raw: rawOf(v) }),
  [`${META}.Verbs`]: (v) => ({ items: v }),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': (v) =>
    typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (v) => ({ string: String(v) }),
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (v) => ({ raw: rawOf(v) }),
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON': (v) => ({ raw: rawOf(v) }),
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': (v, t) =>
    Array.isArray(v)
      ? { jSONSchemas: v.map((x) => fromJson(t.fields.jSONSchemas!.resolvedType as protobuf.Type, x)) }
      : { schema: fromJson(t.fields.schema!.resolvedType as protobuf.Type, v) },
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': (v, t) =>
    typeof v === 'boolean'
      ? { allows: v }
      : { allows: true, schema: fromJson(t.fields.schema!.resolvedType as protobuf.Type, v) },
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': (v, t) =>
    Array.isArray(v)
      ? { property: v }
      : { schema: fromJson(t.fields.schema!.resolvedType as protobuf.Type, v) },
};

function valueFromJson(field: protobuf.Field, v: unknown): unknown {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Type) return fromJson(field.resolvedType, v);
  return v;
}

/** A plain object in the message's shape (for Type.fromObject) from the JSON of the object. */
function fromJson(type: protobuf.Type, json: unknown): unknown {
  const name = type.fullName.slice(1);
  const special =
    FROM_JSON[name] ?? (name.endsWith('.ExtraValue') ? (v: unknown) => ({ items: v }) : undefined);
  if (special) return special(json, type);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return {};
  const source = json as Record<string, unknown>;
  const rules = definitions().rules[name] ?? {};
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const rule = rules[field.name];
    if (rule?.inline) {
      field.resolve();
      out[field.name] = fromJson(field.resolvedType as protobuf.Type, source);
      continue;
    }
    const v = source[rule?.json ?? field.name];
    if (v === undefined || v === null) continue;
    if (field.map && typeof v === 'object') {
      out[field.name] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, valueFromJson(field, x)]),
      );
    } else if (field.repeated && Array.isArray(v)) {
      out[field.name] = v.map((x) => valueFromJson(field, x));
    } else {
      out[field.name] = valueFromJson(field, v);
    }
  }
  return out;
}

// ---- envelope ----

function unknownType(): protobuf.Type {
  return lookup('k8s.io.apimachinery.pkg.runtime.Unknown')!;
}

/** Decodes a protobuf request body into the JSON object it stands for; 415 for kinds without protobuf. */
export function decodeProtobufBody(raw: Buffer): Record<string, unknown> {
  if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf: the body does not start with the Kubernetes protobuf magic number');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = unknownType().decode(raw.subarray(MAGIC.length)) as typeof envelope;
  } catch (err) {
    throw badRequest(`protobuf: ${(err as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const type = protobufType(apiVersion, kind);
  if (!type) throw unsupportedMediaType(['application/json', 'application/yaml']);
  let message: protobuf.Message;
  try {
    message = type.decode(envelope.raw ?? new Uint8Array());
  } catch (err) {
    throw badRequest(`protobuf: ${kind}: ${(err as Error).message}`);
  }
  const object = toJson(type, message as unknown as Record<string, unknown>) as Record<string, unknown>;
  return { apiVersion, kind, ...object };
}

/** Encodes an object (with apiVersion and kind) as the real server answers in protobuf; undefined for kinds without it. */
export function encodeProtobuf(object: Record<string, unknown>): Buffer | undefined {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return undefined;
  const type = protobufType(object.apiVersion, object.kind);
  if (!type) return undefined;
  const message = type.fromObject(fromJson(type, object) as Record<string, unknown>);
  const envelope = unknownType().fromObject({
    typeMeta: { apiVersion: object.apiVersion, kind: object.kind },
    raw: type.encode(message).finish(),
    contentEncoding: '',
    contentType: '',
  });
  return Buffer.concat([MAGIC, unknownType().encode(envelope).finish()]);
}
