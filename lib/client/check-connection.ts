/** The connection argument every action takes, checked so plain-JavaScript callers hear what to pass. */
import type { Connection } from './connection.ts';

export function checkConnection(conn: unknown, what: string): asserts conn is Connection {
  const c = conn as Partial<Connection> | null | undefined;
  if (typeof c !== 'object' || c === null || typeof c.call !== 'function' || typeof c.context !== 'string') {
    const got =
      c === null || c === undefined ? String(c) : typeof c === 'object' ? 'another object' : typeof c;
    throw new TypeError(
      `${what}: the first argument must be a Connection (const conn = await connect()), got ${got}`,
    );
  }
}
