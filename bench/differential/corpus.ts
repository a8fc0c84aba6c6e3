/**
 * The differential corpus: request sequences as data (YAML files under corpus/, one theme each),
 * loaded and checked here so a mistake in a file is reported with its file, sequence and step
 * before anything is sent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ProtobufBody } from './protobuf.ts';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

/** Whose requests a sequence reproduces: sets the User-Agent (the default field manager derives from it). */
export const CLIENTS = {
  kubectl: 'kubectl/v1.35.0 (linux/amd64) kubernetes/66452049',
  'client-node': 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  python: 'OpenAPI-Generator/34.1.0/python',
  helm: 'Helm/4.0.0',
} as const;
export type ClientName = keyof typeof CLIENTS;

/** Short names for the request content types clients send. */
export const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  yaml: 'application/yaml',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  'json-patch': 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** A condition a polled answer must meet; `path` is read from the answer's body. */
export interface Condition {
  status?: number;
  path?: string;
  equals?: unknown;
  exists?: boolean;
}

export interface Step {
  /** Later steps read this step's answer as {{name.path.in.body}}. */
  name?: string;
  method: string;
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** A short name from CONTENT_TYPES or a full media type. Default json when there is a body. */
  contentType?: string;
  /** An object (sent as JSON) or a string (sent as is; YAML for `yaml`/`apply`). */
  body?: unknown;
  /** The body from a file of the repository (JSON, or gzipped JSON when it ends in `.gz`), instead of `body`. */
  bodyFile?: string;
  /** A preparation step: checked on the real side, its answer neither compared nor counted. */
  setup?: boolean;
  /** Send `body` (shaped as in generated.proto) as a protobuf of this type instead of JSON. */
  protobuf?: ProtobufBody;
  /** The real server's status code(s), or a class like `4xx`: checked, a corpus error otherwise. */
  expect: number | number[] | string;
  /** A regular expression the Status message must match: checked on the real side, compared on both. */
  message?: string;
  /** Projection paths compared instead of the default projection of the answer. */
  compare?: string[];
  /** Paths dropped from the default projection (values that differ by nature, e.g. a cluster IP). */
  ignore?: string[];
  /** Only the status code (and warnings) are compared. */
  statusOnly?: boolean;
  /** Read a watch stream: until `events` events arrived, or `timeoutMs` passed. */
  watch?: { events?: number; timeoutMs?: number };
  /** The real server's normalised watch events (e.g. `ERROR 410 Expired`): checked, a corpus error otherwise. */
  expectEvents?: string[];
  /** With `watch`: keep it open while the next steps run; a later `collect` step ends it. */
  background?: boolean;
  /** Ends the background watch of that name and compares its events. */
  collect?: string;
  /** Repeat the request until the answer meets the condition (bounded); the last answer is compared. */
  poll?: { until: Condition; timeoutMs?: number; intervalMs?: number };
  /** Send the request this many times (`{{i}}` counts from 1); the last answer is compared. */
  repeat?: number;
  /** Wait this long before the request (rarely: e.g. to let a grace period pass). */
  sleepMs?: number;
  /** Lists of plain values are compared as sets (discovery's resource and verb lists have no promised order). */
  unordered?: boolean;
}

export interface Sequence {
  theme: string;
  name: string;
  client: ClientName;
  /** What the sequence checks, and which defect of issue 14 it measures. */
  why?: string;
  steps: Step[];
  /** Paths deleted once the sequence ends (cluster-scoped objects it created). */
  cleanup?: string[];
}

const STEP_KEYS = new Set([
  'name',
  'method',
  'path',
  'query',
  'headers',
  'contentType',
  'body',
  'expect',
  'message',
  'compare',
  'ignore',
  'statusOnly',
  'watch',
  'background',
  'collect',
  'poll',
  'sleepMs',
  'unordered',
  'protobuf',
  'repeat',
  'expectEvents',
  'bodyFile',
  'setup',
]);
const SEQUENCE_KEYS = new Set(['name', 'client', 'why', 'steps', 'cleanup']);

/** The corpus files' sequences, in file then file order. Throws naming the first bad entry. */
export function loadCorpus(dir = CORPUS_DIR): Sequence[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const all: Sequence[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    const theme = basename(file, '.yaml');
    for (const seq of checkFile(doc, file)) {
      const id = `${theme}/${seq.name}`;
      if (seen.has(id)) throw new Error(`${file}: two sequences are named ${JSON.stringify(seq.name)}`);
      seen.add(id);
      all.push({ ...seq, theme });
    }
  }
  return all;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkFile(doc: unknown, file: string): Omit<Sequence, 'theme'>[] {
  if (!isObject(doc) || !Array.isArray(doc.sequences)) {
    throw new Error(`${file}: must be a mapping with a "sequences" list`);
  }
  const defaultClient = doc.client ?? 'kubectl';
  return doc.sequences.map((raw, i) => {
    const where = `${file}: sequence ${i + 1}${isObject(raw) && raw.name ? ` (${String(raw.name)})` : ''}`;
    if (!isObject(raw)) throw new Error(`${where}: must be a mapping`);
    for (const key of Object.keys(raw)) {
      if (!SEQUENCE_KEYS.has(key)) throw new Error(`${where}: unknown key ${JSON.stringify(key)}`);
    }
    if (typeof raw.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(raw.name)) {
      throw new Error(`${where}: name must be lower-case words joined by "-"`);
    }
    const client = raw.client ?? defaultClient;
    if (typeof client !== 'string' || !(client in CLIENTS)) {
      throw new Error(`${where}: client must be one of ${Object.keys(CLIENTS).join(', ')}`);
    }
    if (!Array.isArray(raw.steps) || raw.steps.length === 0) throw new Error(`${where}: needs steps`);
    const names = new Set<string>();
    const steps = raw.steps.map((s, j) => checkStep(s, `${where} step ${j + 1}`, names));
    if (
      raw.cleanup !== undefined &&
      !(Array.isArray(raw.cleanup) && raw.cleanup.every((p) => typeof p === 'string'))
    ) {
      throw new Error(`${where}: cleanup must be a list of paths`);
    }
    return {
      name: raw.name,
      client: client as ClientName,
      why: typeof raw.why === 'string' ? raw.why : undefined,
      steps,
      cleanup: raw.cleanup as string[] | undefined,
    };
  });
}

function checkStep(raw: unknown, where: string, names: Set<string>): Step {
  if (!isObject(raw)) throw new Error(`${where}: must be a mapping`);
  for (const key of Object.keys(raw)) {
    if (!STEP_KEYS.has(key)) throw new Error(`${where}: unknown key ${JSON.stringify(key)}`);
  }
  if (raw.collect !== undefined) {
    if (typeof raw.collect !== 'string' || !names.has(raw.collect)) {
      throw new Error(`${where}: collect must name an earlier background watch step`);
    }
  } else if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) {
    throw new Error(`${where}: path must start with "/"`);
  }
  const expect = raw.expect;
  const okExpect =
    (typeof expect === 'number' && expect >= 100 && expect < 600) ||
    (typeof expect === 'string' && /^[1-5]xx$/.test(expect)) ||
    (Array.isArray(expect) && expect.length > 0 && expect.every((e) => typeof e === 'number'));
  if (!okExpect)
    throw new Error(`${where}: expect must be the real server's status code(s) or a class like "4xx"`);
  if (raw.message !== undefined) {
    if (typeof raw.message !== 'string') throw new Error(`${where}: message must be a regular expression`);
    new RegExp(raw.message); // throws on a bad pattern
  }
  if (raw.contentType !== undefined && typeof raw.contentType !== 'string') {
    throw new Error(`${where}: contentType must be a string`);
  }
  if (raw.protobuf !== undefined) {
    const p = raw.protobuf as Record<string, unknown> | null;
    if (!isObject(p) || ['type', 'apiVersion', 'kind'].some((k) => typeof p[k] !== 'string')) {
      throw new Error(`${where}: protobuf needs type, apiVersion and kind`);
    }
  }
  if (
    raw.repeat !== undefined &&
    !(Number.isInteger(raw.repeat) && (raw.repeat as number) >= 1 && (raw.repeat as number) <= 1000)
  ) {
    throw new Error(`${where}: repeat must be an integer from 1 to 1000`);
  }
  if (raw.bodyFile !== undefined && (typeof raw.bodyFile !== 'string' || raw.body !== undefined)) {
    throw new Error(`${where}: bodyFile must be a path in the repository, and excludes body`);
  }
  if (raw.background && !raw.watch) throw new Error(`${where}: background needs watch`);
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(raw.name) || raw.name === 'ns') {
      throw new Error(`${where}: name must be a word (letters and digits), not "ns"`);
    }
    if (names.has(raw.name)) throw new Error(`${where}: two steps are named ${raw.name}`);
    names.add(raw.name);
  }
  for (const key of ['compare', 'ignore'] as const) {
    const v = raw[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((p) => typeof p === 'string'))) {
      throw new Error(`${where}: ${key} must be a list of paths`);
    }
  }
  if (raw.poll !== undefined && !(isObject(raw.poll) && isObject(raw.poll.until))) {
    throw new Error(`${where}: poll needs an "until" condition`);
  }
  return {
    ...(raw as unknown as Step),
    method: typeof raw.method === 'string' ? raw.method.toUpperCase() : 'GET',
    path: (raw.path as string | undefined) ?? '',
  };
}

/** Whether a real status code meets a step's expectation. */
export function expected(step: Step, status: number): boolean {
  const e = step.expect;
  if (typeof e === 'number') return status === e;
  if (Array.isArray(e)) return e.includes(status);
  return String(status)[0] === e[0];
}
