/**
 * A watch request that can be given up at any moment: client-node 1.4's Watch cannot be aborted
 * until the server answers, so against a server that accepts and never answers it hangs (and keeps
 * the process alive) forever. This one sends the same request through the kubeconfig's own agent
 * and headers, with a signal and a timeout for the response to begin.
 */
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';
import { REQUEST_TIMEOUT_MS } from './scope.ts';

export type WatchEventHandler = (type: string, object: unknown) => void;
/** Called once when the watch ends: undefined for a clean end of stream, else the error. */
export type WatchEndHandler = (err: unknown) => void;

export interface WatchOptions {
  /** Ends the watch; `onEnd` is not called for an end the caller asked for. */
  signal?: AbortSignal;
  /** Longest wait for the response to begin. Default 15 s. */
  responseTimeoutMs?: number;
}

/** Query values as the API takes them; undefined ones are left out. */
export type WatchQuery = Record<string, string | number | boolean | undefined>;

/**
 * Opens `path?watch=true`. Resolves once the server answered 200 (events then flow to `onEvent`);
 * rejects with the error when it answered otherwise, did not answer in time, or the signal aborted.
 */
export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: WatchQuery,
  onEvent: WatchEventHandler,
  onEnd: WatchEndHandler,
  options: WatchOptions = {},
): Promise<void> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server + path);
  url.searchParams.set('watch', 'true');
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const init = (await kc.applyToFetchOptions({})) as {
    agent?: http.Agent;
    headers?: { forEach(cb: (value: string, name: string) => void): void };
  };
  const headers: Record<string, string> = { accept: 'application/json' };
  init.headers?.forEach((value, name) => {
    headers[name] = value;
  });
  const signal = options.signal;
  if (signal?.aborted) throw signal.reason;
  const timeoutMs = options.responseTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const get = url.protocol === 'https:' ? https.get : http.get;
  return new Promise<void>((resolve, reject) => {
    let opened = false;
    let ended = false;
    const end = (err: unknown) => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      req.destroy();
      if (!opened) reject(err ?? new Error('the watch ended before the server answered'));
      else if (!signal?.aborted) onEnd(err);
    };
    const onAbort = () => end(signal?.reason);
    const req = get(url, { agent: init.agent, headers }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 65_536) body += c;
        });
        res.on('end', () =>
          end(
            Object.assign(new Error(res.statusMessage || `HTTP ${res.statusCode}`), {
              statusCode: res.statusCode,
              body,
              headers: res.headers,
            }),
          ),
        );
        res.on('error', end);
        return;
      }
      opened = true;
      clearTimeout(timer);
      resolve();
      const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
      // readline re-emits the stream's errors; they are handled on the stream itself.
      lines.on('error', () => {});
      lines.on('line', (line) => {
        if (ended || line.trim() === '') return;
        let data: { type?: string; object?: unknown };
        try {
          data = JSON.parse(line) as { type?: string; object?: unknown };
        } catch {
          return;
        }
        if (typeof data.type === 'string') onEvent(data.type, data.object);
      });
      res.on('error', end);
      res.on('close', () => end(res.complete ? undefined : new Error('premature close of the watch stream')));
    });
    req.on('error', end);
    const timer = setTimeout(
      () =>
        end(new DOMException(`the server did not answer the watch within ${timeoutMs}ms`, 'TimeoutError')),
      timeoutMs,
    );
    timer.unref?.();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
