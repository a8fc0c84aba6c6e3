/**
 * Makes a connection give up on a watch after `ms` without data, the way client-node 2.x's Watch
 * does after 30 s: the watch is aborted and its end handler receives a DOMException named
 * TimeoutError. kubexpect's own watch has no such timeout, so this reproduces it around
 * `conn.watch()` with the same observable behaviour, for the cache's routine-end handling.
 */
import type { Connection } from '../../client/index.ts';

export function shortenWatchTimeout(conn: Connection, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new TypeError(`shortenWatchTimeout: ms must be positive, got ${ms}`);
  const original = conn.watch.bind(conn);
  conn.watch = async (path, query, onEvent, onEnd, options = {}) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const own = new AbortController();
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      onEnd(err);
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        own.abort();
      }, ms);
    };
    arm();
    const signal = options.signal ? AbortSignal.any([options.signal, own.signal]) : own.signal;
    options.signal?.addEventListener('abort', () => {
      finished = true;
      if (timer) clearTimeout(timer);
    });
    await original(
      path,
      query,
      (type, obj) => {
        if (finished) return;
        arm();
        onEvent(type, obj);
      },
      finish,
      { ...options, signal },
    );
  };
}
