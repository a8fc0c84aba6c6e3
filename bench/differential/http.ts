/**
 * Raw HTTP to one API server, as the clients the corpus reproduces send it: node:https with the
 * kubeconfig's CA and client certificate (applied by client-node, never read or printed here), or
 * plain http for the embedded cluster. Every request and every watch is bounded in time.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface Answer {
  status: number;
  contentType: string;
  /** `Warning` headers' texts (the `299 - "…"` wrapping removed). */
  warnings: string[];
  /** Parsed JSON, or the text when the answer is not JSON. */
  body: unknown;
}

export interface WatchAnswer extends Answer {
  /** The events read (when the server answered 200), in order. */
  events: { type: string; object: unknown }[];
}

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
}

/** A transport-level failure: no HTTP answer at all. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
}

export class Target {
  private constructor(
    readonly label: string,
    readonly server: URL,
    private readonly options: https.RequestOptions,
    private readonly agent: http.Agent,
  ) {}

  /** A target from a kubeconfig (a file path, or YAML text when `text` is true). */
  static async fromKubeconfig(label: string, kubeconfig: string, text = false): Promise<Target> {
    const kc = new KubeConfig();
    if (text) kc.loadFromString(kubeconfig);
    else kc.loadFromFile(kubeconfig);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`${label}: the kubeconfig has no current cluster`);
    const options: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(options);
    const server = new URL(cluster.server);
    const agent =
      server.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: 16, ...pickTls(options) })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
    return new Target(label, server, options, agent);
  }

  private send(
    spec: RequestSpec,
    onResponse: (res: http.IncomingMessage) => void,
    reject: (e: Error) => void,
  ) {
    const url = new URL(spec.path, this.server);
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      ...this.options,
      agent: this.agent,
      method: spec.method,
      headers: {
        ...(this.options.headers as Record<string, string>),
        ...spec.headers,
        ...(spec.body ? { 'content-length': String(spec.body.length) } : {}),
      },
    });
    const timer = setTimeout(
      () => req.destroy(new TransportError(`no answer within ${spec.timeoutMs} ms`)),
      spec.timeoutMs,
    );
    req.on('response', (res) => {
      res.on('close', () => clearTimeout(timer));
      onResponse(res);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(
        e instanceof TransportError ? e : new TransportError(`${spec.method} ${spec.path}: ${e.message}`),
      );
    });
    req.end(spec.body);
    return req;
  }

  request(spec: RequestSpec): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.send(
        spec,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new TransportError(`${spec.method} ${spec.path}: ${e.message}`)));
          res.on('end', () => resolve(answerOf(res, Buffer.concat(chunks))));
        },
        reject,
      );
    });
  }

  /**
   * Opens a watch. `done` resolves once `events` events arrived or `timeoutMs` passed (then the
   * stream is closed), or when the server ends it; a non-200 answer resolves as a plain answer.
   */
  watch(
    spec: RequestSpec,
    events: number,
    timeoutMs: number,
  ): { done: Promise<WatchAnswer>; opened: Promise<void>; stop(): void } {
    let stop = () => {};
    let markOpened = () => {};
    const opened = new Promise<void>((r) => {
      markOpened = r;
    });
    const done = new Promise<WatchAnswer>((resolve, reject) => {
      const req = this.send(
        { ...spec, timeoutMs: timeoutMs + spec.timeoutMs },
        (res) => {
          markOpened();
          const chunks: Buffer[] = [];
          const got: WatchAnswer['events'] = [];
          let pending = '';
          let finished = false;
          const finish = () => {
            if (finished) return;
            finished = true;
            clearTimeout(timer);
            const base = answerOf(res, res.statusCode === 200 ? Buffer.alloc(0) : Buffer.concat(chunks));
            resolve({ ...base, body: res.statusCode === 200 ? undefined : base.body, events: got });
            req.destroy();
          };
          stop = finish;
          const timer = setTimeout(finish, timeoutMs);
          res.on('data', (c: Buffer) => {
            if (res.statusCode !== 200) {
              chunks.push(c);
              return;
            }
            pending += c.toString('utf8');
            let nl = pending.indexOf('\n');
            while (nl >= 0) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (line) {
                try {
                  got.push(JSON.parse(line) as WatchAnswer['events'][number]);
                } catch {
                  got.push({ type: 'UNPARSEABLE', object: line.slice(0, 200) });
                }
              }
              nl = pending.indexOf('\n');
            }
            if (got.filter((e) => e.type !== 'BOOKMARK').length >= events) finish();
          });
          res.on('end', finish);
          res.on('error', finish);
        },
        (e) => {
          markOpened();
          reject(e);
        },
      );
    });
    return { done, opened, stop: () => stop() };
  }

  close(): void {
    this.agent.destroy();
  }
}

function pickTls(o: https.RequestOptions): https.AgentOptions {
  const out: https.AgentOptions = {};
  if (o.ca) out.ca = o.ca;
  if (o.cert) out.cert = o.cert;
  if (o.key) out.key = o.key;
  if (o.rejectUnauthorized !== undefined) out.rejectUnauthorized = o.rejectUnauthorized;
  return out;
}

function answerOf(res: http.IncomingMessage, raw: Buffer): Answer {
  const contentType = String(res.headers['content-type'] ?? '');
  const text = raw.toString('utf8');
  let body: unknown = text;
  // Some JSON comes as text/plain (kube-apiserver's /openapi/v3 index): parse what looks like JSON.
  if ((contentType.includes('json') || contentType.startsWith('text/plain')) && /^\s*[[{]/.test(text)) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } else if (!contentType.startsWith('text/') && contentType !== '' && !contentType.includes('json')) {
    body = `<${raw.length > 0 ? 'bytes' : 'nothing'} of ${contentType.split(';')[0]}>`;
  }
  return { status: res.statusCode ?? 0, contentType, warnings: warningsOf(res.headers.warning), body };
}

/** `299 - "unknown field \"x\""` → `unknown field "x"`. */
export function warningsOf(header: string | string[] | undefined): string[] {
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: string[] = [];
  for (const h of all) {
    // Several warnings may share one header, comma-separated between quoted texts.
    for (const m of h.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g))
      out.push((m[1] as string).replace(/\\(.)/g, '$1'));
  }
  return out.sort();
}
