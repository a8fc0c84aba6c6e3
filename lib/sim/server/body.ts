/**
 * Request bodies read and parsed with bounds, so that no body, however hostile, holds the event loop:
 * the size is checked while reading (413 past 3 MiB, the real server's MaxRequestBodyBytes), the
 * nesting depth by a linear scan before any parser runs (the real decoders stop at 10000 levels:
 * encoding/json maxNestingDepth, goyaml max_flow_level/max_indents), and YAML, which the `yaml`
 * library parses slowly, in a worker thread with a time budget.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, requestEntityTooLarge, StatusError, unsupportedMediaType } from '../api/errors.ts';
import { decodeProtobufBody } from './protobuf.ts';
import { parseYamlOffThread, YamlTimeoutError, YamlTooManyValuesError } from './yaml-worker.ts';

/** The real API server's request body limit (apiserver pkg/server/config.go MaxRequestBodyBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Where the real decoders give up. */
const DECODER_MAX_DEPTH = 10_000;

/**
 * The simulator's own nesting limit: its recursive steps (merge patches, managed fields) are safe to
 * here. Objects nest a few dozen levels; deeper bodies between this and 10000 are refused with a
 * message that says so, where the real server would take them.
 */
export const MAX_BODY_DEPTH = 1000;

/**
 * The most values (objects, arrays, scalars) a body may hold. Writing an object costs the simulator
 * several passes over it on one thread (copies, managed fields, validation): 2.9 MiB of 220,000 tiny
 * keys held every other request for 35 s. Real objects stay far below (the CloudNativePG Cluster
 * CRD holds about 5,000; etcd refuses objects over 1.5 MiB).
 */
export const MAX_BODY_VALUES = 50_000;

/** Refuses a parsed body holding more than MAX_BODY_VALUES values, counting without recursion. */
const tooManyValues = () =>
  new StatusError(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: the body holds more than ${MAX_BODY_VALUES} values, the most the embedded cluster accepts in one object`,
  );

/**
 * Refuses a parsed body holding more than MAX_BODY_VALUES values or nesting deeper than
 * MAX_BODY_DEPTH (protobuf bodies carry JSON inside; their depth is only known once decoded).
 */
function notTooMany(value: unknown): unknown {
  const stack: [unknown, number][] = [[value, 1]];
  let count = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++count > MAX_BODY_VALUES) throw tooManyValues();
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) {
      throw badRequest(
        `the request body nests more than ${MAX_BODY_DEPTH} levels deep; the embedded cluster accepts at most ${MAX_BODY_DEPTH}`,
      );
    }
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return value;
}

/** YAML up to this size with shallow nesting is parsed inline; the rest goes to the worker. */
const INLINE_YAML_BYTES = 16 * 1024;
const INLINE_YAML_DEPTH = 64;

/** How long the worker may take over one YAML body before it is abandoned (a 400). */
const YAML_BUDGET_MS = 20_000;

/** Reads a body, refusing it with 413 as soon as it is larger than `limit` bytes (Content-Length first). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    req.resume();
    throw requestEntityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw requestEntityTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

interface Depth {
  depth: number;
  /** 1-based line where the deepest level opened. */
  line: number;
  /** The character that opened it. */
  opener: string;
  /** JSON only: about how many values the text holds. */
  values?: number;
}

/**
 * Nesting depth of JSON text, and (roughly) how many values it holds: object members and array
 * elements. One pass, skipping strings; stops at `stopAt` levels.
 */
export function jsonDepth(text: string, stopAt = DECODER_MAX_DEPTH + 1): Depth {
  const containers: number[] = []; // the opening character of each open level
  const max: Depth & { values: number } = { depth: 0, line: 1, opener: '', values: 1 };
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      containers.push(c);
      if (c === 0x5b) max.values++;
      if (containers.length > max.depth) {
        max.depth = containers.length;
        max.line = line;
        max.opener = text[i]!;
        if (max.depth >= stopAt) return max;
      }
    } else if (c === 0x5d || c === 0x7d) containers.pop();
    else if (c === 0x3a /* : */ || (c === 0x2c /* , */ && containers[containers.length - 1] === 0x5b))
      max.values++;
    else if (c === 0x0a) line++;
  }
  return max;
}

/**
 * An upper estimate of the nesting depth of YAML text in one linear pass: flow collections count
 * their brackets (outside quotes and comments); block collections count the open indentation levels
 * plus the compact `- ` and `? ` entries that start a line.
 */
export function yamlDepth(text: string, stopAt = DECODER_MAX_DEPTH + 1): Depth {
  const max: Depth = { depth: 0, line: 1, opener: '' };
  const indents: number[] = [];
  let flow = 0;
  let quote = 0; // the open quote character code, or 0
  let line = 1;
  let i = 0;
  const note = (depth: number, opener: string) => {
    if (depth > max.depth) {
      max.depth = depth;
      max.line = line;
      max.opener = opener;
    }
  };
  while (i < text.length) {
    // Start of a line.
    let col = 0;
    if (quote === 0 && flow === 0) {
      while (i < text.length && text.charCodeAt(i) === 0x20) {
        i++;
        col++;
      }
      const first = text.charCodeAt(i);
      if (i < text.length && first !== 0x0a && first !== 0x23 /* # */ && first !== 0x0d) {
        while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
        indents.push(col);
        // Compact nested entries on one line: `- - - x`, `? - x`.
        for (;;) {
          const c = text.charCodeAt(i);
          const next = text.charCodeAt(i + 1);
          if ((c === 0x2d /* - */ || c === 0x3f) /* ? */ && (next === 0x20 || next === 0x09)) {
            i += 2;
            col += 2;
            indents.push(col);
            while (text.charCodeAt(i) === 0x20) {
              i++;
              col++;
            }
            if (indents.length >= stopAt) break;
          } else break;
        }
        note(indents.length, '-');
        if (max.depth >= stopAt) return max;
      }
    }
    // Rest of the line.
    let prev = 0x20;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) break;
      if (quote !== 0) {
        if (quote === 0x22 && c === 0x5c) i++;
        else if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === 0x23 && (prev === 0x20 || prev === 0x09)) {
        while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
        break;
      } else if (c === 0x5b || c === 0x7b) {
        flow++;
        note(indents.length + flow, text[i]!);
        if (max.depth >= stopAt) return max;
      } else if ((c === 0x5d || c === 0x7d) && flow > 0) {
        flow--;
      }
      prev = c;
    }
    i++;
    line++;
  }
  return max;
}

/** The duplicate keys parseBody found in a JSON body, by the parsed value (see duplicateFieldsOf). */
const duplicates = new WeakMap<object, string[]>();

/**
 * The fields a JSON body names twice in one object, as the strict decoder reports them
 * (`spec.restartPolicy`, `spec.containers[0].name`): JSON.parse keeps the last silently, where the
 * real server refuses them under fieldValidation=Strict and warns under Warn. One pass over text
 * JSON.parse has already accepted.
 */
export function duplicateJsonFields(text: string): string[] {
  type Frame =
    | { kind: 'object'; path: string; keys: Set<string>; key: string; expectKey: boolean }
    | { kind: 'array'; path: string; index: number };
  const stack: Frame[] = [];
  const found: string[] = [];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const childPath = () => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.kind === 'array' ? `${top.path}[${top.index}]` : join(top.path, top.key);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        top.expectKey = false;
        top.key = key;
        if (top.keys.has(key)) found.push(join(top.path, key));
        else top.keys.add(key);
      }
    } else if (c === 0x7b /* { */) {
      stack.push({ kind: 'object', path: childPath(), keys: new Set(), key: '', expectKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ kind: 'array', path: childPath(), index: 0 });
    } else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else if (top) top.expectKey = true;
    }
  }
  return found;
}

/** The duplicate fields of a body parseBody read from JSON text (none for other bodies). */
export function duplicateFieldsOf(body: unknown): string[] {
  return (body !== null && typeof body === 'object' && duplicates.get(body)) || [];
}

/** What the real server says for a body its decoder cannot read (handlers/rest.go transformDecodeError). */
function unrecognized(kind: string, why: string, raw: Buffer): StatusError {
  const head = raw.subarray(0, 30);
  const summary =
    raw.length === 0
      ? '<empty>'
      : raw[0] === 0x7b
        ? `${head.toString('utf8')}${raw.length > 30 ? ' ...' : ''}`
        : `${head.toString('hex')}${raw.length > 30 ? ' ...' : ''}`;
  return badRequest(`the object provided is unrecognized (must be of type ${kind}): ${why} (${summary})`);
}

function checkDepth(found: Depth, kind: string, raw: Buffer, yaml: boolean): void {
  if (found.depth > DECODER_MAX_DEPTH) {
    const why = yaml
      ? `error converting YAML to JSON: yaml: line ${found.line}: exceeded max depth of ${DECODER_MAX_DEPTH}`
      : `invalid character '${found.opener}' exceeded max depth`;
    throw unrecognized(kind, why, raw);
  }
  if (found.depth > MAX_BODY_DEPTH) {
    throw badRequest(
      `the request body nests ${found.depth} levels deep; the embedded cluster accepts at most ${MAX_BODY_DEPTH} (a real API server accepts up to ${DECODER_MAX_DEPTH})`,
    );
  }
}

async function yamlValue(text: string, raw: Buffer, kind: string): Promise<unknown> {
  const depth = yamlDepth(text);
  checkDepth(depth, kind, raw, true);
  // JSON is YAML: kubectl and Helm send JSON even as apply-patch+yaml, and JSON.parse is fast.
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      // Flow-style YAML that is not JSON: parse it as YAML below.
    }
  }
  if (raw.length <= INLINE_YAML_BYTES && depth.depth <= INLINE_YAML_DEPTH) {
    return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
  }
  try {
    return await parseYamlOffThread(text, YAML_BUDGET_MS, MAX_BODY_VALUES);
  } catch (err) {
    if (err instanceof YamlTooManyValuesError) throw tooManyValues();
    if (err instanceof YamlTimeoutError)
      throw badRequest(`the YAML body could not be parsed: ${err.message}`);
    throw err;
  }
}

/**
 * Parses a request body as its content type says: JSON (the default), YAML, or Kubernetes protobuf.
 * Errors read as the real server's: `Pod in version "v1" cannot be handled as a Pod: …`.
 */
export async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
  kind: string,
  version = 'v1',
): Promise<unknown> {
  const base = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  // kubectl's typed clients (create, drain's evictions and deletes) send protobuf and never fall back.
  if (base === 'application/vnd.kubernetes.protobuf')
    return raw.length === 0 ? undefined : notTooMany(decodeProtobufBody(raw));
  if (base === 'application/cbor') throw unsupportedMediaType(['application/json', 'application/yaml']);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  const yaml = base.endsWith('yaml');
  try {
    if (yaml) return notTooMany(await yamlValue(text, raw, kind));
    const shape = jsonDepth(text);
    checkDepth(shape, kind, raw, false);
    // Counted before parsing: building a huge object is itself what holds the event loop.
    if ((shape.values ?? 0) > MAX_BODY_VALUES) throw tooManyValues();
    const value = notTooMany(JSON.parse(text));
    if (value !== null && typeof value === 'object') {
      const repeated = duplicateJsonFields(text);
      if (repeated.length > 0) duplicates.set(value, repeated);
    }
    return value;
  } catch (err) {
    if (err instanceof StatusError) throw err;
    const detail = (err as Error).message.split('\n')[0];
    throw badRequest(
      `${kind} in version "${version}" cannot be handled as a ${kind}: ${yaml ? 'yaml' : 'json'}: ${detail}`,
    );
  }
}

/** An apply patch is YAML (JSON being a subset); errors read as the real server's. */
export async function parseApplyBody(raw: Buffer, kind: string): Promise<unknown> {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return notTooMany(await yamlValue(text, raw, kind));
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
