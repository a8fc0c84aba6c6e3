/**
 * Makes a client-node Watch give up on a watch after `ms` without data, the way client-node 2.x
 * does after 30 s: the watch is aborted and `done` receives a DOMException named TimeoutError.
 * With 2.x the Watch's own timeout is shortened, so tests exercise the real code; 1.4 has no such
 * timeout, so it is reproduced around `watch()` with the same observable behaviour.
 */
import type { Watch } from '@kubernetes/client-node';

type WatchFn = Watch['watch'];

export function shortenWatchTimeout(watcher: Watch, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new TypeError(`shortenWatchTimeout: ms must be positive, got ${ms}`);
  const own = watcher as unknown as { requestTimeoutMs?: unknown };
  if (typeof own.requestTimeoutMs === 'number') {
    own.requestTimeoutMs = ms;
    return;
  }
  const original: WatchFn = watcher.watch.bind(watcher);
  watcher.watch = async (path, query, callback, done) => {
    let finished = false;
    let controller: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      done(err);
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        controller?.abort();
      }, ms);
    };
    arm();
    controller = await original(
      path,
      query,
      (type, obj, raw) => {
        if (finished) return;
        arm();
        callback(type, obj, raw);
      },
      finish,
    );
    if (finished) controller.abort();
    return controller;
  };
}
