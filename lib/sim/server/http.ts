/**
 * The HTTP front of the simulated API server: routing of REST paths to the Api, content
 * negotiation (JSON, YAML bodies, Tables), watch streaming, bearer-token auth, body limits and
 * fault injection. Every error is a metav1.Status; nothing a client sends can crash the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api, WatchOptions } from '../api/api.ts';
import {
  badRequest,
  internalError,
  methodNotAllowed,
  pathNotFound,
  StatusError,
  unauthorized,
} from '../api/errors.ts';
import { RESOURCE_VERSION_WAIT_MS } from '../api/list-options.ts';
import { forbiddenForce, patchObject, patchTypeOf } from '../api/patch.ts';
import { parseFieldValidation } from '../api/validation/field-validation.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject, WatchEvent } from '../api/types.ts';
import { duplicateFieldsOf, MAX_BODY_BYTES, parseApplyBody, parseBody, readBody } from './body.ts';
import { encodeProtobuf, PROTOBUF_CONTENT_TYPE } from './protobuf.ts';
import { deleteOptionsFrom } from './delete-options.ts';
import { checkWriteOptions } from './write-options.ts';
import { queryBool, queryInt64 } from './query.ts';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
  wantsAggregatedDiscovery,
} from './discovery.ts';
import { partialContentType, partialList, partialObject, wantsPartial } from './partial-metadata.ts';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table.ts';

export interface HttpOptions {
  /** Require `Authorization: Bearer <token>` on every request but health checks. */
  token?: string;
  /** Largest accepted request body in bytes (413 beyond it). Default 3 MiB, like the real server. */
  maxBodyBytes?: number;
  /**
   * How long a list (or watch-list) naming a resourceVersion the store has not reached waits for it
   * before 504 Too large resource version. Default 3 s, the watch cache's blockTimeout.
   */
  resourceVersionWaitMs?: number;
  /** Interval between BOOKMARK events on watches that allow them. Default 5 s. */
  bookmarkIntervalMs?: number;
  /** Called before a request is served; may throw a StatusError, delay, or return a watch decorator. */
  intercept?: RequestInterceptor;
  /** Extra routes (OpenAPI, …) tried before the REST routes; return true when handled. */
  extraRoutes?: ExtraRoute[];
}

export interface RequestInfo {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  isWatch: boolean;
}

export interface RequestInterceptor {
  /** May throw a StatusError (the response), or resolve after a delay. */
  before?(info: RequestInfo): Promise<void> | void;
  /** For watches: may end the stream (e.g. after N seconds) via the given close function. */
  onWatch?(info: RequestInfo, close: () => void): (() => void) | undefined;
  /** For watches resuming from a resourceVersion: answer 410 Expired at once when true. */
  expireResume?(info: RequestInfo): boolean;
}

export type ExtraRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) => boolean | Promise<boolean>;

export interface RestTarget {
  rt: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export class HttpFront {
  private readBody(req: IncomingMessage): Promise<Buffer> {
    return readBody(req, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
  }

  private readonly api: Api;
  private readonly options: HttpOptions;
  readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly watchClosers = new Set<() => void>();
  /** Requests served, by verb; benchmarks and tests read it. */
  readonly requestCounts = new Map<string, number>();

  constructor(api: Api, options: HttpOptions = {}) {
    this.api = api;
    this.options = options;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => this.fail(res, err));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Requests that are not even HTTP (bad framing, huge headers) still get a Status, then the socket closes.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const status = new StatusError(
        tooLarge ? 431 : 400,
        'BadRequest',
        tooLarge ? 'request header fields too large' : `malformed HTTP request: ${err.code ?? err.message}`,
      ).toStatus();
      const text = JSON.stringify(status);
      socket.end(
        `HTTP/1.1 ${status.code} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    });
  }

  /** Replaces the request interceptor; fault injection changes while the server runs. */
  set interceptor(intercept: RequestInterceptor | undefined) {
    this.options.intercept = intercept;
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const close of [...this.watchClosers]) close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private count(verb: string): void {
    this.requestCounts.set(verb, (this.requestCounts.get(verb) ?? 0) + 1);
  }

  private send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (contentType === 'application/json' && body !== null && typeof body === 'object') {
      const encoded = prefersProtobuf(res.req?.headers.accept) ? protobufOf(body) : undefined;
      if (encoded) {
        res.writeHead(code, { 'Content-Type': PROTOBUF_CONTENT_TYPE, 'Content-Length': encoded.length });
        res.end(encoded);
        return;
      }
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, err: unknown): void {
    const status =
      err instanceof StatusError ? err : internalError(err instanceof Error ? err.message : String(err));
    if (!(err instanceof StatusError)) console.error('kubexpect sim: unexpected error', err);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status.details?.retryAfterSeconds)
      res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
    this.send(res, status.code, status.toStatus());
  }

  /** Warning headers as the real server writes them (`299 - "unknown field \"spec.x\""`). */
  private warn(res: ServerResponse, warnings: string[]): void {
    if (warnings.length === 0) return;
    const earlier = res.getHeader('Warning');
    const kept = earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
    res.setHeader('Warning', [...kept, ...warnings.map((w) => `299 - ${JSON.stringify(w)}`)]);
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.options.token) return true;
    return req.headers.authorization === `Bearer ${this.options.token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      this.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }
    if (!this.authorized(req)) throw unauthorized();
    // The deprecated watch paths (/api/v1/watch/…, /apis/G/V/watch/…) still serve watches.
    const legacyWatch =
      method === 'GET' ? /^(\/api\/[^/]+|\/apis\/[^/]+\/[^/]+)\/watch(\/.+)$/.exec(path) : null;
    const isWatch = legacyWatch !== null || queryBool(url.searchParams, 'watch') === true;
    const info: RequestInfo = { method, path, query: url.searchParams, headers: req.headers, isWatch };
    await this.options.intercept?.before?.(info);
    for (const route of this.options.extraRoutes ?? []) {
      if (await route(req, res, path)) return;
    }
    if (method === 'GET' && this.discovery(res, path)) {
      this.count('discovery');
      return;
    }
    const target = this.resolve(legacyWatch ? `${legacyWatch[1]}${legacyWatch[2]}` : path);
    if (!target) return this.notFound(res, path);
    if (isWatch && method === 'GET' && target.name !== undefined && !target.subresource) {
      // A watch of one object is a watch of its collection by name.
      const selector = url.searchParams.get('fieldSelector');
      const byName = `metadata.name=${target.name}`;
      url.searchParams.set('fieldSelector', selector ? `${selector},${byName}` : byName);
      target.name = undefined;
    }
    await this.rest(req, res, target, url.searchParams, info);
  }

  /**
   * A path nothing serves: under /api or a served group, the API's 404 Status; anywhere else (an
   * unknown group, a path outside the API) the mux's plain `404 page not found`, as kube-apiserver.
   */
  private notFound(res: ServerResponse, path: string): void {
    const group = /^\/apis\/([^/]+)/.exec(path)?.[1];
    const apiPath =
      path === '/api' ||
      path.startsWith('/api/') ||
      (group !== undefined && this.api.registry.groupVersions().some((gv) => gv.group === group));
    if (apiPath) throw pathNotFound();
    this.send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  }

  private discovery(res: ServerResponse, path: string): boolean {
    const registry = this.api.registry;
    if ((path === '/api' || path === '/apis') && wantsAggregatedDiscovery(res.req?.headers.accept)) {
      res.setHeader('Vary', 'Accept');
      this.send(res, 200, aggregatedDiscovery(registry, path === '/api'), AGGREGATED_DISCOVERY_CONTENT_TYPE);
      return true;
    }
    if (path === '/version') {
      this.send(res, 200, SERVER_VERSION);
      return true;
    }
    if (path === '/') {
      // The root lists the paths served, as kube-apiserver's index does.
      const gvs = registry.groupVersions().filter((gv) => gv.group !== '');
      const paths = new Set([
        '/api',
        '/api/v1',
        '/apis',
        '/apis/',
        '/healthz',
        '/livez',
        '/readyz',
        '/version',
      ]);
      for (const p of ['/openapi/v2', '/openapi/v3']) paths.add(p);
      for (const gv of gvs) {
        paths.add(`/apis/${gv.group}`);
        paths.add(`/apis/${gv.group}/${gv.version}`);
      }
      this.send(res, 200, { paths: [...paths].sort() });
      return true;
    }
    if (path === '/api') {
      const address = this.server.address() as AddressInfo | null;
      this.send(res, 200, apiVersions(`127.0.0.1:${address?.port ?? 0}`));
      return true;
    }
    if (path === '/apis') {
      this.send(res, 200, apiGroupList(registry));
      return true;
    }
    let m = /^\/api\/(v1)$/.exec(path);
    if (m) {
      this.send(res, 200, apiResourceList(registry, '', m[1]!));
      return true;
    }
    m = /^\/apis\/([^/]+)$/.exec(path);
    if (m) {
      const doc = apiGroup(registry, m[1]!);
      if (!doc) {
        this.notFound(res, path);
        return true;
      }
      this.send(res, 200, doc);
      return true;
    }
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const doc = apiResourceList(registry, m[1]!, m[2]!);
      if (!doc) {
        this.notFound(res, path);
        return true;
      }
      this.send(res, 200, doc);
      return true;
    }
    return false;
  }

  /** Maps a REST path to a resource, namespace, name and subresource. */
  resolve(path: string): RestTarget | undefined {
    const segs = path
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeSegment);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 3) {
      group = '';
      version = segs[1]!;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 4) {
      group = segs[1]!;
      version = segs[2]!;
      rest = segs.slice(3);
    } else {
      return undefined;
    }
    const lookup = (plural: string) => this.api.registry.lookup(group, version, plural);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      // /namespaces/{ns}/{plural}... unless it is a subresource of a namespace (status, finalize).
      const candidate = lookup(rest[2]!);
      if (candidate?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const rt = lookup(rest[0]!);
    if (!rt || rest.length > 3) return undefined;
    if (rt.namespaced === false && namespace !== undefined) return undefined;
    const subresource = rest[2];
    if (subresource && subresource !== 'status' && !rt.subresources?.[subresource]) return undefined;
    if (subresource === 'status' && !rt.hasStatus) return undefined;
    return { rt, namespace, name: rest[1], subresource };
  }

  private async rest(
    req: IncomingMessage,
    res: ServerResponse,
    target: RestTarget,
    query: URLSearchParams,
    info: RequestInfo,
  ): Promise<void> {
    const { rt, namespace, name, subresource } = target;
    const method = info.method;
    const api = this.api;
    if (rt.deprecationWarning) this.warn(res, [rt.deprecationWarning]);
    const dryRun = query.getAll('dryRun').includes('All');
    // Like the real server, writes that name no manager are recorded under the User-Agent's product.
    const requestedManager = query.get('fieldManager') ?? undefined;
    const fieldManager = requestedManager ?? managerFromUserAgent(req.headers['user-agent']);
    const table = wantsTable(req.headers.accept);
    const includeObject = query.get('includeObject') ?? undefined;
    const now = api.now();

    if (method === 'GET') {
      if (name === undefined) {
        if (info.isWatch) {
          this.count('watch');
          if (queryBool(query, 'sendInitialEvents') === true) {
            await this.untilResourceVersion(query.get('resourceVersion') ?? undefined);
          }
          this.watch(req, res, target, query, info, table, includeObject);
          return;
        }
        this.count('list');
        const options = {
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
          limit: queryInt64(query, 'limit'),
          continue: query.get('continue') || undefined,
          resourceVersion: query.get('resourceVersion') ?? undefined,
          resourceVersionMatch: query.get('resourceVersionMatch') || undefined,
          sendInitialEvents: queryBool(query, 'sendInitialEvents'),
        };
        if (!options.continue) await this.untilResourceVersion(options.resourceVersion);
        const list = api.list(rt, namespace, options);
        if (table)
          this.send(res, 200, toTable(rt, list.items, list.metadata, now, includeObject), TABLE_CONTENT_TYPE);
        else if (wantsPartial(req.headers.accept, 'PartialObjectMetadataList'))
          this.send(res, 200, partialList(list), partialContentType('PartialObjectMetadataList'));
        else this.send(res, 200, list);
        return;
      }
      this.count('get');
      if (subresource && subresource !== 'status') {
        const handler = api.subresourceHandler(rt, subresource);
        if (handler?.read) {
          const out = handler.read(api, rt, namespace, name, query);
          this.send(res, 200, out.body, out.contentType);
          return;
        }
        if (!handler?.get) throw methodNotAllowed();
        this.send(res, 200, handler.get(api, rt, namespace, name));
        return;
      }
      const obj = api.get(rt, namespace, name);
      if (table && !subresource) {
        this.send(
          res,
          200,
          toTable(rt, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, now, includeObject),
          TABLE_CONTENT_TYPE,
        );
      } else if (!subresource && wantsPartial(req.headers.accept, 'PartialObjectMetadata')) {
        this.send(res, 200, partialObject(obj), partialContentType('PartialObjectMetadata'));
      } else {
        this.send(res, 200, obj);
      }
      return;
    }

    if (method === 'POST') {
      this.count('create');
      checkWriteOptions(query, 'CreateOptions');
      const body = await parseBody(
        await this.readBody(req),
        req.headers['content-type'],
        rt.kind,
        rt.version,
      );
      if (name !== undefined && subresource) {
        const handler = api.subresourceHandler(rt, subresource);
        if (!handler?.create) throw methodNotAllowed();
        const out = handler.create(api, rt, namespace, name, body as KObject, { fieldManager, dryRun });
        this.send(res, out.code, out.body);
        return;
      }
      if (name !== undefined) throw methodNotAllowed();
      const warnings: string[] = [];
      const fieldValidation = parseFieldValidation(query.get('fieldValidation'), 'CreateOptions');
      const created = api.create(rt, namespace, body, {
        fieldManager,
        dryRun,
        fieldValidation,
        warnings,
        duplicateFields: duplicateFieldsOf(body),
      });
      this.warn(res, warnings);
      this.send(res, 201, created);
      return;
    }

    if (method === 'PUT') {
      this.count('update');
      if (name === undefined) throw methodNotAllowed();
      checkWriteOptions(query, 'UpdateOptions');
      const body = await parseBody(
        await this.readBody(req),
        req.headers['content-type'],
        rt.kind,
        rt.version,
      );
      if (subresource && subresource !== 'status') {
        const handler = api.subresourceHandler(rt, subresource);
        if (!handler?.update) throw methodNotAllowed();
        this.send(
          res,
          200,
          handler.update(api, rt, namespace, name, body as KObject, { fieldManager, dryRun }),
        );
        return;
      }
      const warnings: string[] = [];
      const updated = api.update(rt, namespace, name, body, {
        fieldManager,
        dryRun,
        subresource: subresource as 'status' | undefined,
        fieldValidation: parseFieldValidation(query.get('fieldValidation'), 'UpdateOptions'),
        warnings,
        duplicateFields: duplicateFieldsOf(body),
      });
      this.warn(res, warnings);
      this.send(res, 200, updated);
      return;
    }

    if (method === 'PATCH') {
      this.count('patch');
      if (name === undefined) throw methodNotAllowed();
      checkWriteOptions(query, 'PatchOptions');
      // Subresources other than status (scale) have built-in kinds, so strategic merge applies to them.
      const handled = subresource !== undefined && subresource !== 'status';
      const type = patchTypeOf(req.headers['content-type'], !!rt.strategicMerge || handled);
      const raw = await this.readBody(req);
      const body =
        type === 'application/apply-patch+yaml'
          ? await parseApplyBody(raw, rt.kind)
          : await parseBody(raw, 'application/json', rt.kind, rt.version);
      const forceParam = query.get('force');
      if (handled) {
        // kubectl scale patches /scale: read the subresource, patch it, write it back.
        const handler = api.subresourceHandler(rt, subresource);
        if (!handler?.get || !handler.update || type === 'application/apply-patch+yaml')
          throw methodNotAllowed();
        if (forceParam !== null) throw forbiddenForce();
        const patched = patchObject(type, handler.get(api, rt, namespace, name), body);
        this.send(res, 200, handler.update(api, rt, namespace, name, patched, { fieldManager, dryRun }));
        return;
      }
      const warnings: string[] = [];
      const out = api.patch(rt, namespace, name, type, body, {
        fieldValidation: parseFieldValidation(query.get('fieldValidation'), 'PatchOptions'),
        warnings,
        // Apply requires an explicit manager (422 without one).
        fieldManager: type === 'application/apply-patch+yaml' ? requestedManager : fieldManager,
        dryRun,
        subresource: subresource as 'status' | undefined,
        force: queryBool(query, 'force'),
      });
      this.warn(res, warnings);
      this.send(res, out.created ? 201 : 200, out.object);
      return;
    }

    if (method === 'DELETE') {
      const raw = await this.readBody(req);
      const body = (await parseBody(raw, deleteBodyType(req.headers['content-type']), 'DeleteOptions')) as
        | Parameters<typeof deleteOptionsFrom>[1]
        | undefined;
      const options = deleteOptionsFrom(query, body);
      if (dryRun) options.dryRun = true;
      if (name === undefined) {
        this.count('deletecollection');
        const list = api.deleteCollection(
          rt,
          namespace,
          {
            labelSelector: query.get('labelSelector') ?? undefined,
            fieldSelector: query.get('fieldSelector') ?? undefined,
          },
          options,
        );
        this.send(res, 200, list);
        return;
      }
      if (subresource) throw methodNotAllowed();
      this.count('delete');
      const result = api.delete(rt, namespace, name, options);
      if (rt.returnDeletedObject || !result.removed) {
        this.send(res, 200, result.object);
      } else {
        const details: Record<string, unknown> = { name, kind: rt.plural, uid: result.object.metadata.uid };
        if (rt.group) details.group = rt.group;
        this.send(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
      }
      return;
    }
    throw methodNotAllowed();
  }

  /**
   * Waits (at most the watch cache's 3 s) for the store to reach a resourceVersion a list or a
   * watch-list asks for; the list then answers 504 Too large resource version if it never came.
   */
  private async untilResourceVersion(rv: string | undefined): Promise<void> {
    if (!rv || !/^\d+$/.test(rv) || Number(rv) <= this.api.store.resourceVersion) return;
    await this.api.store.waitForRevision(
      Number(rv),
      this.options.resourceVersionWaitMs ?? RESOURCE_VERSION_WAIT_MS,
    );
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    target: RestTarget,
    query: URLSearchParams,
    info: RequestInfo,
    table: boolean,
    includeObject: string | undefined,
  ): void {
    const { rt, namespace } = target;
    const api = this.api;
    const options: WatchOptions = {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      resourceVersionMatch: query.get('resourceVersionMatch') ?? undefined,
      sendInitialEvents: queryBool(query, 'sendInitialEvents'),
      allowWatchBookmarks: queryBool(query, 'allowWatchBookmarks') === true,
    };
    const timeoutSeconds = queryInt64(query, 'timeoutSeconds') ?? 0;
    const events: WatchEvent[] = [];
    const partial = !table && wantsPartial(req.headers.accept, 'PartialObjectMetadata');
    let streaming = false;
    let first = true;
    const write = (event: WatchEvent) => {
      let payload: unknown = event;
      if (table && (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')) {
        const obj = event.object as KObject;
        const t = toTable(
          rt,
          [obj],
          { resourceVersion: obj.metadata.resourceVersion ?? '' },
          api.now(),
          includeObject,
          first,
        );
        first = false;
        payload = { type: event.type, object: t };
      } else if (
        partial &&
        (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')
      ) {
        payload = { type: event.type, object: partialObject(event.object as KObject) };
      }
      res.write(`${JSON.stringify(payload)}\n`);
    };
    const sink = (event: WatchEvent) => {
      if (streaming) write(event);
      else events.push(event);
    };
    // The watch is registered before headers go out so that errors (bad selectors) are plain Status answers.
    const expireResume =
      options.resourceVersion &&
      options.resourceVersion !== '0' &&
      this.options.intercept?.expireResume?.(info);
    const handle = expireResume ? { stop() {} } : api.watch(rt, namespace, options, sink);
    res.writeHead(200, {
      'Content-Type': table ? TABLE_CONTENT_TYPE : 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    // The real API server flushes the headers at once; clients resolve their watch call on them.
    res.flushHeaders();
    streaming = true;
    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    let extraStop: (() => void) | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      handle.stop();
      for (const t of timers) clearTimeout(t);
      extraStop?.();
      this.watchClosers.delete(close);
      res.end();
    };
    this.watchClosers.add(close);
    if (expireResume) {
      write({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${options.resourceVersion} (${api.store.resourceVersion})`,
          reason: 'Expired',
          code: 410,
        },
      });
      close();
      return;
    }
    for (const e of events) write(e);
    if (events.some((e) => e.type === 'ERROR')) {
      close();
      return;
    }
    if (timeoutSeconds > 0) timers.push(setTimeout(close, timeoutSeconds * 1000));
    if (options.allowWatchBookmarks) {
      const interval = setInterval(() => write(api.bookmark(rt)), this.options.bookmarkIntervalMs ?? 5000);
      timers.push(interval);
    }
    extraStop = this.options.intercept?.onWatch?.(info, close);
    req.on('close', close);
    res.on('close', close);
  }
}

/** The request target as a URL; `//x` stays a path (not a host), and what cannot be parsed is a 400. */
function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  try {
    return new URL(`http://localhost${raw.startsWith('/') ? '' : '/'}${raw}`);
  } catch {
    throw badRequest(`malformed request target ${JSON.stringify(raw)}`);
  }
}

/** A percent-decoded path segment; a malformed escape is the client's error (400), as in Go's net/http. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in path segment ${JSON.stringify(segment)}`);
  }
}

/** The protobuf answer for an object, or undefined to answer JSON (kinds without protobuf, values it cannot carry). */
function protobufOf(body: object): Buffer | undefined {
  try {
    return encodeProtobuf(body as Record<string, unknown>);
  } catch (err) {
    console.error('kubexpect sim: answering JSON, the object does not encode as protobuf:', err);
    return undefined;
  }
}

/**
 * Whether the first media type of an Accept header the server can answer is protobuf (client-go's
 * protobuf clients send `application/vnd.kubernetes.protobuf, application/json`); tables are JSON.
 */
function prefersProtobuf(accept: string | undefined): boolean {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    if (type === PROTOBUF_CONTENT_TYPE) return !params.some((p) => p.startsWith('as='));
    if (
      type === 'application/json' ||
      type === 'application/yaml' ||
      type === '*/*' ||
      type === 'application/*'
    )
      return false;
  }
  return false;
}

/** DELETE bodies are DeleteOptions in JSON, or protobuf from kubectl's typed clients (drain --disable-eviction, helm uninstall). */
function deleteBodyType(contentType: string | undefined): string {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return base === 'application/vnd.kubernetes.protobuf' ? base : 'application/json';
}

/** `kubectl/v1.35.0 (linux/amd64) kubernetes/abc` → `kubectl`, as the real server names managers. */
function managerFromUserAgent(userAgent: string | undefined): string | undefined {
  const product = (userAgent ?? '').split('/')[0]!.trim().slice(0, 128);
  return product || undefined;
}
