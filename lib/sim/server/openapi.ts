/**
 * OpenAPI v3 discovery (/openapi/v3 and /openapi/v3/{api/v1|apis/G/V}) generated from the registry.
 * kubectl needs it for `apply -f`/`create -f` with the default --validate=strict: it looks in the
 * group-version document for a PATCH operation tagged with the object's
 * x-kubernetes-group-version-kind that takes a `fieldValidation` query parameter, and then leaves
 * validation to the server. Schemas are minimal (unknown fields preserved); the PATCH bodies do not
 * offer strategic merge, so kubectl computes client-side apply patches from its compiled-in types
 * (built-in kinds) or as JSON merge patches (custom kinds), as it does without OpenAPI.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathNotFound } from '../api/errors.ts';
import type { Registry } from '../api/registry.ts';
import { ALL_VERBS, type ResourceType } from '../api/resource.ts';
import type { ExtraRoute } from './http.ts';
import { SERVER_VERSION } from './discovery.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(rt: ResourceType): string {
  const group = rt.group || 'core';
  return `${group.split('.').reverse().join('.')}.${rt.version}.${rt.kind}`;
}

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
  const gv = (rt.group ? rt.group.split('.')[0]! : 'core') + rt.version;
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${verb}${cap(gv)}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`;
}

function itemPath(rt: ResourceType): string {
  const base = `/${gvPath(rt.group, rt.version)}`;
  return rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}/{name}` : `${base}/${rt.plural}/{name}`;
}

/** One group-version's OpenAPI v3 document. */
function groupVersionDocument(
  registry: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const rts = registry.all().filter((rt) => rt.group === group && rt.version === version);
  if (rts.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const rt of rts) {
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(rt)}` };
    schemas[schemaName(rt)] = {
      ...(rt.schema ?? { type: 'object' }),
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [gvk],
    };
    const verbs = rt.verbs ?? ALL_VERBS;
    const ops: Record<string, unknown> = {
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(rt.namespaced
          ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }]
          : []),
      ],
    };
    if (verbs.includes('get')) {
      ops.get = {
        operationId: operationId('read', rt),
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
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
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      };
    }
    paths[itemPath(rt)] = ops;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** The /openapi/v3 index: every served group-version with a URL that changes when its document does. */
function openApiIndex(registry: Registry): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of registry.groupVersions()) {
    const doc = groupVersionDocument(registry, group, version);
    const path = gvPath(group, version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(doc)}` };
  }
  return { paths };
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An HttpFront extra route serving /openapi/v3 (and answering 404 for /openapi/v2, as an unpublished spec). */
export function openApiRoute(registry: Registry): ExtraRoute {
  return (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (!path.startsWith('/openapi/')) return false;
    if ((req.method ?? 'GET').toUpperCase() !== 'GET') return false;
    if (path === '/openapi/v3') {
      sendJson(res, 200, openApiIndex(registry));
      return true;
    }
    const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    const doc = m
      ? m[1]
        ? groupVersionDocument(registry, '', m[1])
        : groupVersionDocument(registry, m[2]!, m[3]!)
      : undefined;
    if (!doc) {
      sendJson(res, 404, pathNotFound().toStatus());
      return true;
    }
    res.setHeader('Cache-Control', 'public, immutable');
    sendJson(res, 200, doc);
    return true;
  };
}
