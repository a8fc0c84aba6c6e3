/**
 * Decoding of the Kubernetes protobuf wire format (`application/vnd.kubernetes.protobuf`) for the few
 * request bodies kubectl's typed clients send as protobuf: Namespace (`kubectl create namespace`),
 * Eviction (`kubectl drain`), ConfigMap and Secret (`kubectl create configmap|secret`). kubectl does
 * not fall back to JSON, so a server without these would break those commands. Other kinds answer
 * 415 UnsupportedMediaType. The body is the `k8s\0` magic followed by a runtime.Unknown envelope
 * whose `raw` field holds the object (field numbers from k8s.io/api generated.proto).
 */
import { badRequest, unsupportedMediaType } from '../api/errors.ts';

type FieldType =
  | 'string'
  | 'int'
  | 'bool'
  | 'bytes'
  | 'time'
  | { message: Schema }
  | { repeated: FieldType }
  | { map: FieldType };

type Schema = Record<number, [string, FieldType]>;

const TIME: Schema = { 1: ['seconds', 'int'], 2: ['nanos', 'int'] };

const OWNER_REFERENCE: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', { repeated: { message: OWNER_REFERENCE } }],
  14: ['finalizers', { repeated: 'string' }],
};

const DELETE_OPTIONS: Schema = {
  1: ['gracePeriodSeconds', 'int'],
  2: ['preconditions', { message: { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] } }],
  3: ['orphanDependents', 'bool'],
  4: ['propagationPolicy', 'string'],
  5: ['dryRun', { repeated: 'string' }],
};

const meta: [string, FieldType] = ['metadata', { message: OBJECT_META }];

const KINDS: Record<string, Schema> = {
  'v1/Namespace': {
    1: meta,
    2: ['spec', { message: { 1: ['finalizers', { repeated: 'string' }] } }],
    3: ['status', { message: { 1: ['phase', 'string'] } }],
  },
  'policy/v1/Eviction': { 1: meta, 2: ['deleteOptions', { message: DELETE_OPTIONS }] },
  'v1/ConfigMap': {
    1: meta,
    2: ['data', { map: 'string' }],
    3: ['binaryData', { map: 'bytes' }],
    4: ['immutable', 'bool'],
  },
  'v1/Secret': {
    1: meta,
    2: ['data', { map: 'bytes' }],
    3: ['type', 'string'],
    4: ['stringData', { map: 'string' }],
    5: ['immutable', 'bool'],
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('protobuf: varint too long');
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw badRequest('protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wireType}`);
  }
}

function toInt(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function scalar(type: FieldType, r: Reader, wireType: number): unknown {
  if (type === 'int') return toInt(r.varint());
  if (type === 'bool') return r.varint() !== 0n;
  if (wireType !== 2) throw badRequest('protobuf: unexpected wire type');
  const raw = r.bytes();
  if (type === 'string') return raw.toString('utf8');
  if (type === 'bytes') return raw.toString('base64');
  if (type === 'time') {
    const t = decodeMessage(raw, TIME) as { seconds?: number };
    return `${new Date((t.seconds ?? 0) * 1000).toISOString().slice(0, 19)}Z`;
  }
  if (typeof type === 'object' && 'message' in type) return decodeMessage(raw, type.message);
  throw badRequest('protobuf: unexpected field type');
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3;
    const wireType = key & 7;
    const entry = schema[field];
    if (!entry) {
      r.skip(wireType);
      continue;
    }
    const [name, type] = entry;
    if (typeof type === 'object' && 'repeated' in type) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(scalar(type.repeated, r, wireType));
      out[name] = list;
    } else if (typeof type === 'object' && 'map' in type) {
      const kv = decodeMessage(r.bytes(), { 1: ['key', 'string'], 2: ['value', type.map] });
      const map = (out[name] as Record<string, unknown> | undefined) ?? {};
      map[String(kv.key ?? '')] = kv.value ?? (type.map === 'string' || type.map === 'bytes' ? '' : null);
      out[name] = map;
    } else {
      const value = scalar(type, r, wireType);
      // Go writes non-pointer strings even when empty; JSON would have omitted them.
      if (value !== '') out[name] = value;
    }
  }
  return out;
}

/** Decodes a protobuf request body into the JSON object it stands for, or refuses it with 415. */
export function decodeProtobufBody(raw: Buffer): Record<string, unknown> {
  if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf: the body does not start with the Kubernetes protobuf magic number');
  }
  const envelope = decodeMessage(raw.subarray(MAGIC.length), {
    1: ['typeMeta', { message: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } }],
    2: ['raw', 'bytes'],
  }) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: string };
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema) throw unsupportedMediaType(['application/json', 'application/yaml']);
  const object = decodeMessage(Buffer.from(envelope.raw ?? '', 'base64'), schema);
  return { apiVersion, kind, ...object };
}
