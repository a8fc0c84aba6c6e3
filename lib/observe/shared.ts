/**
 * One cache per (connection, resource, namespace, selector), shared by every assertion that needs
 * it and closed when the last one releases it: many readers, never one watch per assertion.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import type { ResourceKind } from './resource.ts';
import { type Selector, WatchCache, type WatchCacheOptions } from './watch-cache.ts';

const caches = new WeakMap<Connection, Map<string, WatchCache>>();

let defaults: WatchCacheOptions = {};

/** Options for caches created from now on (tests shorten the polling interval). */
export function setWatchCacheDefaults(options: WatchCacheOptions): void {
  defaults = { ...options };
}

function cacheKey(r: ResourceKind, namespace: string | undefined, s: Selector): string {
  return [r.group, r.version, r.plural, namespace ?? '', s.labelSelector ?? '', s.fieldSelector ?? ''].join(
    '|',
  );
}

/**
 * Takes a reference on the shared cache for (resource, namespace, selector), creating and starting
 * it if needed. Call `release()` on the result when done.
 */
export function acquireCache<T extends KubernetesObject = KubernetesObject>(
  conn: Connection,
  resource: ResourceKind,
  namespace: string | undefined,
  selector: Selector = {},
  options: WatchCacheOptions = {},
): WatchCache<T> {
  if (conn.isClosed) throw new Error('kubexpect: the connection is closed; connect() again');
  const ns = resource.namespaced ? namespace : undefined;
  let byKey = caches.get(conn);
  if (!byKey) {
    byKey = new Map();
    caches.set(conn, byKey);
  }
  const key = cacheKey(resource, ns, selector);
  let cache = byKey.get(key) as WatchCache<T> | undefined;
  if (!cache || cache.mode === 'closed') {
    const map = byKey;
    const created: WatchCache<T> = new WatchCache<T>(
      conn,
      resource,
      ns,
      selector,
      { ...defaults, ...options },
      () => {
        if ((map.get(key) as unknown) === created) map.delete(key);
      },
    );
    cache = created;
    byKey.set(key, cache as unknown as WatchCache);
  }
  return cache.acquire();
}

/** Caches currently open on a connection (tests check that none leak). */
export function openCaches(conn: Connection): WatchCache[] {
  return [...(caches.get(conn)?.values() ?? [])];
}
