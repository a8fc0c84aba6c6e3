/**
 * The OpenAPI documents of the Kubernetes release the simulator answers as (../../data/openapi, see
 * its README): read lazily, once per group-version, and shared by validation and the /openapi routes.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The Kubernetes release the vendored documents come from. */
export const OPENAPI_SOURCE_VERSION = 'v1.36.3';

export interface OpenApiSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  $ref?: string;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  description?: string;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, unknown>;
  components: { schemas: Record<string, OpenApiSchema> };
}

const DATA = new URL('../../data/openapi/', import.meta.url);

/** `api/v1`, `apis/apps/v1`: the path of a group-version under /openapi/v3. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The group-versions whose documents are vendored. */
export const VENDORED_GROUP_VERSIONS: readonly string[] = [
  'api/v1',
  'apis/apps/v1',
  'apis/batch/v1',
  'apis/policy/v1',
  'apis/storage.k8s.io/v1',
  'apis/coordination.k8s.io/v1',
  'apis/discovery.k8s.io/v1',
  'apis/rbac.authorization.k8s.io/v1',
  'apis/networking.k8s.io/v1',
  'apis/scheduling.k8s.io/v1',
  'apis/admissionregistration.k8s.io/v1',
  'apis/apiextensions.k8s.io/v1',
  'apis/events.k8s.io/v1',
  'apis/authorization.k8s.io/v1',
  'apis/authentication.k8s.io/v1',
  'apis/autoscaling/v1',
  'apis/autoscaling/v2',
  'apis/node.k8s.io/v1',
  'apis/certificates.k8s.io/v1',
];

const texts = new Map<string, string>();
const documents = new Map<string, OpenApiDocument>();

/** The JSON text of a vendored group-version document, or undefined when none is vendored. */
export function openApiText(path: string): string | undefined {
  if (!VENDORED_GROUP_VERSIONS.includes(path)) return undefined;
  let text = texts.get(path);
  if (text === undefined) {
    const file = new URL(`v3/${path.replaceAll('/', '__')}.json.gz`, DATA);
    text = gunzipSync(readFileSync(file)).toString('utf8');
    texts.set(path, text);
  }
  return text;
}

/** A parsed vendored document (shared: callers must not change it). */
export function openApiDocument(path: string): OpenApiDocument | undefined {
  let doc = documents.get(path);
  if (!doc) {
    const text = openApiText(path);
    if (text === undefined) return undefined;
    doc = JSON.parse(text) as OpenApiDocument;
    documents.set(path, doc);
  }
  return doc;
}

let swagger: Buffer | undefined;

/** The OpenAPI v2 (swagger) document of the whole API, as JSON text. */
export function swaggerText(): Buffer {
  swagger ??= gunzipSync(readFileSync(new URL('swagger.json.gz', DATA)));
  return swagger;
}

/** The component name of a kind's schema (`io.k8s.api.core.v1.Pod`) in its group-version document. */
export function schemaNameOf(group: string, version: string, kind: string): string | undefined {
  const doc = openApiDocument(groupVersionPath(group, version));
  if (!doc) return undefined;
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (gvks?.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
  }
  return undefined;
}
