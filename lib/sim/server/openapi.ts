/**
 * OpenAPI discovery as kube-apiserver serves it: /openapi/v3 lists every served group-version with a
 * URL whose hash changes with its document; built-in group-versions answer the real documents of the
 * Kubernetes release (../data/openapi), so `kubectl explain pod.spec` and Helm read the real schemas;
 * a CRD's group-version answers a document built from its schema, as apiextensions-apiserver builds
 * it (schema named `io.cnpg.postgresql.v1.Cluster`, metadata a reference to ObjectMeta, a PATCH
 * operation per kind with the `fieldValidation` parameter, so kubectl leaves validation to the
 * server). /openapi/v2 answers the release's swagger document, as JSON or, to client-go's protobuf
 * Accept, as gnostic's protobuf (./openapi-v2-protobuf.ts).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathNotFound, StatusError } from '../api/errors.ts';
import type { Registry } from '../api/registry.ts';
import { ALL_VERBS, type ResourceType } from '../api/resource.ts';
import {
  groupVersionPath,
  type OpenApiSchema,
  openApiDocument,
  openApiText,
  swaggerText,
} from '../api/validation/openapi-documents.ts';
import type { ExtraRoute } from './http.ts';
import {
  definitionsProtobuf,
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_DEPRECATED,
  swaggerProtobuf,
} from './openapi-v2-protobuf.ts';

function schemaName(rt: ResourceType): string {
  const group = rt.group || 'core';
  return `${group.split('.').reverse().join('.')}.${rt.version}.${rt.kind}`;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const queryParam = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const PATCH_PARAMETERS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
  ),
  {
    name: 'force',
    in: 'query',
    description: 'Force is going to "force" Apply requests.',
    schema: { type: 'boolean', uniqueItems: true },
  },
];

function operationId(verb: string, rt: ResourceType): string {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const gv = rt.group
    ? rt.group
        .split('.')
        .map((p, i) => (i === 0 ? p : cap(p)))
        .join('')
    : 'core';
  return `${verb}${cap(gv)}${cap(rt.version)}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`;
}

function itemPath(rt: ResourceType): string {
  const base = `/${groupVersionPath(rt.group, rt.version)}`;
  return rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}/{name}` : `${base}/${rt.plural}/{name}`;
}

/** The meta.k8s.io schemas a custom kind's document refers to (ObjectMeta and what it refers to). */
function metaSchemas(): Record<string, OpenApiSchema> {
  const core = openApiDocument('api/v1')!;
  return Object.fromEntries(
    Object.entries(core.components.schemas).filter(([name]) =>
      name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.'),
    ),
  );
}

/** A custom kind's schema as served: its CRD schema, metadata an ObjectMeta reference, and its GVK. */
function customSchema(rt: ResourceType): OpenApiSchema {
  const gvk = [{ group: rt.group, version: rt.version, kind: rt.kind }];
  const declared = (rt.schema ?? {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }) as OpenApiSchema;
  const properties = {
    ...(declared.properties ?? {}),
    apiVersion: {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    },
    kind: {
      type: 'string',
      description: 'Kind is a string value representing the REST resource this object represents.',
    },
    metadata: {
      allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }],
      description: "Standard object's metadata.",
    },
  };
  return { ...declared, properties, 'x-kubernetes-group-version-kind': gvk };
}

/** The custom kinds' definitions for /openapi/v2 (references into its `definitions`), as the real server merges them. */
function customDefinitionsV2(registry: Registry): Record<string, Record<string, unknown>> {
  const definitions: Record<string, Record<string, unknown>> = {};
  for (const rt of registry.all()) {
    if (!rt.custom) continue;
    const text = JSON.stringify(customSchema(rt)).replaceAll('#/components/schemas/', '#/definitions/');
    definitions[schemaName(rt)] = JSON.parse(text);
  }
  return definitions;
}

/** The swagger JSON with the custom definitions spliced into its `definitions` object. */
function swaggerJson(registry: Registry): string | Buffer {
  const custom = customDefinitionsV2(registry);
  if (Object.keys(custom).length === 0) return swaggerText();
  const text = swaggerText().toString('utf8');
  const opening = /"definitions":\s*\{/.exec(text)!;
  const at = opening.index + opening[0].length;
  return `${text.slice(0, at)}${JSON.stringify(custom).slice(1, -1)},${text.slice(at)}`;
}

/** The document of a group-version served only by CRDs. */
function customDocument(rts: ResourceType[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { ...metaSchemas() };
  for (const rt of rts) {
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(rt)}` };
    schemas[schemaName(rt)] = customSchema(rt);
    const verbs = rt.verbs ?? ALL_VERBS;
    const ops: Record<string, unknown> = {
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(rt.namespaced
          ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }]
          : []),
      ],
    };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    if (verbs.includes('get')) {
      ops.get = {
        operationId: operationId('read', rt),
        responses: ok,
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
      };
    }
    if (verbs.includes('patch')) {
      const content = [
        'application/json-patch+json',
        'application/merge-patch+json',
        'application/apply-patch+yaml',
      ];
      ops.patch = {
        operationId: operationId('patch', rt),
        parameters: PATCH_PARAMETERS,
        requestBody: {
          content: Object.fromEntries(content.map((c) => [c, { schema: { type: 'object' } }])),
          required: true,
        },
        responses: ok,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      };
    }
    paths[itemPath(rt)] = ops;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths,
    components: { schemas },
  };
}

const hashes = new Map<string, string>();

function hashOf(text: string): string {
  return createHash('sha512').update(text).digest('hex').toUpperCase();
}

/** A group-version's document as JSON text: the release's own, or one built from its CRDs. */
function documentText(registry: Registry, group: string, version: string): string | undefined {
  const rts = registry.all().filter((rt) => rt.group === group && rt.version === version);
  if (rts.length === 0) return undefined;
  if (rts.every((rt) => !rt.custom)) {
    const text = openApiText(groupVersionPath(group, version));
    if (text !== undefined) return text;
  }
  return JSON.stringify(customDocument(rts));
}

/** The /openapi/v3 index: every served group-version with a URL that changes when its document does. */
function openApiIndex(registry: Registry): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of registry.groupVersions()) {
    const path = groupVersionPath(group, version);
    const builtIn = registry.all().every((rt) => rt.group !== group || rt.version !== version || !rt.custom);
    let hash = builtIn ? hashes.get(path) : undefined;
    if (!hash) {
      const text = documentText(registry, group, version);
      if (text === undefined) continue;
      hash = hashOf(text);
      if (builtIn) hashes.set(path, hash);
    }
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

function send(
  res: ServerResponse,
  code: number,
  text: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Whether an Accept header names gnostic's protobuf before any JSON type (client-go's OpenAPISchema). */
function prefersProtobuf(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  const proto = types.findIndex((t) => t === OPENAPI_V2_PROTOBUF || t === OPENAPI_V2_PROTOBUF_DEPRECATED);
  const json = types.indexOf('application/json');
  return proto >= 0 && (json < 0 || proto < json);
}

/** Whether an Accept header takes JSON (absent, JSON, or a wildcard). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === '*/*' || type === 'application/*';
  });
}

/** An HttpFront extra route serving /openapi/v3 and /openapi/v2. */
export function openApiRoute(registry: Registry): ExtraRoute {
  return (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path !== '/openapi/v2' && !path.startsWith('/openapi/v3')) return false;
    if ((req.method ?? 'GET').toUpperCase() !== 'GET') return false;
    if (path === '/openapi/v2') {
      if (prefersProtobuf(req.headers.accept)) {
        const custom = customDefinitionsV2(registry);
        const body = Object.keys(custom).length
          ? Buffer.concat([swaggerProtobuf(), definitionsProtobuf(custom)])
          : swaggerProtobuf();
        send(res, 200, body, { 'Content-Type': OPENAPI_V2_PROTOBUF, Vary: 'Accept' });
        return true;
      }
      if (!acceptsJson(req.headers.accept)) {
        const status = new StatusError(
          406,
          'NotAcceptable',
          `only the following media types are accepted: application/json, ${OPENAPI_V2_PROTOBUF}`,
        ).toStatus();
        send(res, 406, JSON.stringify(status));
        return true;
      }
      send(res, 200, swaggerJson(registry), { 'Cache-Control': 'no-cache, private' });
      return true;
    }
    if (path === '/openapi/v3') {
      send(res, 200, JSON.stringify(openApiIndex(registry)));
      return true;
    }
    const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    const text = m ? documentText(registry, m[1] ? '' : m[2]!, m[1] ?? m[3]!) : undefined;
    if (text === undefined) {
      send(res, 404, JSON.stringify(pathNotFound().toStatus()));
      return true;
    }
    send(res, 200, text, { 'Cache-Control': 'public, immutable' });
    return true;
  };
}
