/**
 * A small HTTP proxy for tests of kubexpect's resilience: it forwards to an API server and can
 * answer requests with errors, drop open watches, or refuse connections for a while. Tests point a
 * kubeconfig at it; the API server itself is untouched.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface InjectedFailure {
  /** How many matching requests to fail. */
  count: number;
  status: number;
  /** Retry-After header value in seconds. */
  retryAfterSeconds?: number;
  /** Which requests: 'watch', 'list', 'get' or any. Default any. */
  kind?: 'watch' | 'list' | 'get';
}

export class FlakyProxy {
  readonly server: Server;
  private target = '';
  private readonly watches = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private failures: InjectedFailure[] = [];
  private refusing = false;
  private watchDelayMs = 0;
  /** Requests seen, by kind. */
  readonly seen = { watch: 0, list: 0, get: 0, other: 0, failed: 0 };

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      if (this.refusing) {
        s.destroy();
        return;
      }
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(target: string): Promise<string> {
    this.target = target;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A kubeconfig like `kubeconfig` but pointing at this proxy. */
  rewrite(kubeconfig: string, proxyUrl: string): string {
    return kubeconfig.replace(this.target, proxyUrl);
  }

  fail(failure: InjectedFailure): void {
    this.failures.push({ ...failure });
  }

  /** Ends every open watch stream abruptly, as a dropped connection does. */
  dropWatches(): number {
    const n = this.watches.size;
    for (const res of this.watches) res.socket?.destroy();
    this.watches.clear();
    return n;
  }

  /**
   * Delays every watch event by `ms` on its way to the client (in order), as a busy control plane's
   * watch lags behind its reads; 0 forwards at once. Applies to watches opened from now on.
   */
  delayWatchEvents(ms: number): void {
    this.watchDelayMs = ms;
  }

  /** While on, connections are reset at once. */
  refuse(on: boolean): void {
    this.refusing = on;
    if (on) for (const s of this.sockets) s.destroy();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private kindOf(req: IncomingMessage): 'watch' | 'list' | 'get' | 'other' {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') === 'true') return 'watch';
    if (req.method !== 'GET') return 'other';
    const segs = url.pathname.split('/').filter(Boolean);
    // /api/v1/pods, /api/v1/namespaces/ns/pods → list; one more segment → get.
    const rest = segs[0] === 'api' ? segs.slice(2) : segs.slice(3);
    const plain = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
    return plain.length <= 1 ? 'list' : 'get';
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const kind = this.kindOf(req);
    this.seen[kind]++;
    const i = this.failures.findIndex((f) => f.count > 0 && (!f.kind || f.kind === kind));
    if (i >= 0) {
      const f = this.failures[i]!;
      f.count--;
      this.seen.failed++;
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `injected failure ${f.status}`,
        reason: f.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
        code: f.status,
      });
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
      res.writeHead(f.status, headers);
      res.end(body);
      return;
    }
    if (kind === 'watch') {
      // Counted from the request on: the upstream may send no headers until its first event.
      this.watches.add(res);
      res.on('close', () => {
        this.watches.delete(res);
        upstream.destroy();
      });
    }
    const upstream = request(
      `${this.target}${req.url}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        res.flushHeaders();
        res.on('close', () => up.destroy());
        const delay = kind === 'watch' ? this.watchDelayMs : 0;
        if (delay === 0) {
          up.pipe(res);
          return;
        }
        up.on('data', (chunk: Buffer) => {
          setTimeout(() => {
            if (!res.destroyed) res.write(chunk);
          }, delay);
        });
        up.on('end', () => setTimeout(() => res.end(), delay));
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
