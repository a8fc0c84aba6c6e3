/**
 * Applying fixtures: multi-document YAML (a file or text), `${VAR}` substitution, then server-side
 * apply (default) or create, object by object through KubernetesObjectApi.
 */
import { readFile } from 'node:fs/promises';
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Connection } from '../client/connection.ts';
import { checkConnection } from '../client/check-connection.ts';
import { checkOptions, isNonEmptyString, type OptionCheck, oneOf } from './check-options.ts';
import { substituteVariables } from './template.ts';

export interface ApplyFixtureOptions {
  /** Namespace for namespaced objects that name none. Default: the connection's namespace. */
  readonly namespace?: string;
  /** Values for `${VAR}`; the environment fills the rest; anything still missing is an error. */
  readonly variables?: Readonly<Record<string, string | number | boolean>>;
  /** 'apply' (server-side apply, field manager `kubexpect`, forced) or 'create' (as CNPG's suite does). */
  readonly mode?: 'apply' | 'create';
  /** Field manager for server-side apply. Default `kubexpect`. */
  readonly fieldManager?: string;
}

/** A parsed manifest with where it came from, for messages. */
export interface FixtureDocument {
  readonly object: KubernetesObject;
  /** `file.yaml document 2 (line 14)` */
  readonly origin: string;
}

const FIXTURE_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  namespace: isNonEmptyString,
  variables: (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? undefined
      : 'must be an object of variable name → value',
  mode: oneOf('apply', 'create'),
  fieldManager: isNonEmptyString,
};

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/**
 * Applies a fixture: `source` is a file path, or YAML text when it contains a newline. Returns the
 * objects as the server stored them, in document order.
 */
export async function applyFixture(
  conn: Connection,
  source: string,
  options: ApplyFixtureOptions = {},
): Promise<KubernetesObject[]> {
  checkConnection(conn, 'applyFixture');
  checkOptions('applyFixture', options, FIXTURE_OPTIONS, "{ namespace: 'test-1', mode: 'create' }");
  const { text, name } = await readSource(source);
  const docs = parseManifests(substituteVariables(text, options.variables, name), name);
  const namespace = options.namespace ?? conn.namespace;
  const scopes = new Map<string, Promise<Map<string, boolean>>>();
  const out: KubernetesObject[] = [];
  for (const { object, origin } of docs) {
    const namespaced = await isNamespaced(conn, object, origin, scopes);
    const obj: KubernetesObject = {
      ...object,
      metadata: {
        ...object.metadata,
        ...(namespaced && !object.metadata?.namespace ? { namespace } : {}),
      },
    };
    const what = `${options.mode === 'create' ? 'create' : 'apply'} ${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name} (${origin})`;
    const stored =
      options.mode === 'create'
        ? await conn.call(what, () => conn.objects.create(obj), namespaced ? { namespace } : {})
        : await conn.call(
            what,
            () =>
              conn.objects.patch(
                obj,
                undefined,
                undefined,
                options.fieldManager ?? 'kubexpect',
                true,
                PatchStrategy.ServerSideApply,
              ),
            namespaced ? { namespace } : {},
          );
    out.push(stored);
  }
  return out;
}

async function readSource(source: string): Promise<{ text: string; name: string }> {
  if (typeof source !== 'string' || source.trim() === '') {
    throw new TypeError('applyFixture: give a file path or YAML text');
  }
  if (source.includes('\n')) return { text: source, name: 'fixture text' };
  try {
    return { text: await readFile(source, 'utf8'), name: source };
  } catch (err) {
    throw new FixtureError(
      `fixture ${source} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/** Parses multi-document YAML into objects; empty documents are skipped, malformed ones named by line. */
export function parseManifests(text: string, name = 'fixture text'): FixtureDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) throw new FixtureError(`${name}: not a YAML stream`);
  const out: FixtureDocument[] = [];
  const problems: string[] = [];
  docs.forEach((doc, i) => {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const origin = `${name} document ${i + 1} (line ${lineCounter.linePos(start).line})`;
    for (const e of doc.errors) {
      problems.push(`${name} line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
    }
    if (doc.errors.length > 0) return;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const obj = value as KubernetesObject;
    const missing = [
      typeof obj.apiVersion === 'string' && obj.apiVersion ? undefined : 'apiVersion',
      typeof obj.kind === 'string' && obj.kind ? undefined : 'kind',
      typeof obj.metadata?.name === 'string' && obj.metadata.name ? undefined : 'metadata.name',
    ].filter((m) => m !== undefined);
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(
        `${origin}: expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`,
      );
    } else if (missing.length > 0) {
      problems.push(`${origin}: missing ${missing.join(', ')}`);
    } else {
      out.push({ object: obj, origin });
    }
  });
  if (problems.length > 0) throw new FixtureError(problems.join('\n'));
  return out;
}

/** Whether a kind is namespaced, from discovery (one request per apiVersion). */
async function isNamespaced(
  conn: Connection,
  obj: KubernetesObject,
  origin: string,
  cache: Map<string, Promise<Map<string, boolean>>>,
): Promise<boolean> {
  const apiVersion = obj.apiVersion ?? '';
  let kinds = cache.get(apiVersion);
  if (!kinds) {
    const slash = apiVersion.indexOf('/');
    const list =
      slash < 0
        ? conn.call(`discover ${apiVersion}`, () => conn.core.getAPIResources())
        : conn.call(`discover ${apiVersion}`, () =>
            conn.custom.getAPIResources({
              group: apiVersion.slice(0, slash),
              version: apiVersion.slice(slash + 1),
            }),
          );
    kinds = list.then(
      (l) => new Map(l.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, r.namespaced])),
      () => new Map(),
    );
    cache.set(apiVersion, kinds);
  }
  const namespaced = (await kinds).get(obj.kind ?? '');
  if (namespaced === undefined) {
    throw new FixtureError(
      `${origin}: the cluster does not serve kind ${obj.kind} in ${apiVersion} (is its CRD installed and the apiVersion right?)`,
    );
  }
  return namespaced;
}
