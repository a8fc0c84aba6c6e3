/**
 * The namespaces this run created on a connection (createTestNamespace records them): what a spec
 * owns, so deletes there need no target guard and a drain may force-delete unmanaged pods there.
 */
import type { Connection } from '../client/connection.ts';

const created = new WeakMap<Connection, Set<string>>();

export function recordRunNamespace(conn: Connection, namespace: string): void {
  const names = created.get(conn) ?? new Set<string>();
  names.add(namespace);
  created.set(conn, names);
}

/** Whether createTestNamespace made `namespace` on this connection. */
export function isRunNamespace(conn: Connection, namespace: string): boolean {
  return created.get(conn)?.has(namespace) ?? false;
}
