/** Unique test namespaces (CNPG's CreateUniqueTestNamespace), removed after the spec. */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../client/connection.ts';
import { KubeApiError } from '../client/errors.ts';
import { resolveTimeout, type TimeoutSpec } from '../timeouts/index.ts';
import { checkConnection } from './check-connection.ts';
import { recordRunNamespace } from './run-namespaces.ts';

export interface TestNamespaceOptions {
  /** Name prefix; a dash and 5 random characters follow. Default `kubexpect`. */
  readonly prefix?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface CleanupOptions {
  /** Wait until the namespace is gone (its finalizers ran). Default false: deletion is requested only. */
  readonly wait?: boolean;
  /** Budget for the wait. Default `namespaceCreation`. */
  readonly timeout?: TimeoutSpec;
  /** How often to look. Default 250 ms. */
  readonly pollIntervalMs?: number;
}

export interface TestNamespace {
  readonly name: string;
  /** Deletes the namespace; safe to call twice and when it is already gone. */
  cleanup(options?: CleanupOptions): Promise<void>;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Creates `<prefix>-<random>`; pass `ns.cleanup` to DeferCleanup/after so the spec leaves nothing behind. */
export async function createTestNamespace(
  conn: Connection,
  options: TestNamespaceOptions = {},
): Promise<TestNamespace> {
  checkConnection(conn, 'createTestNamespace');
  const prefix = options.prefix ?? 'kubexpect';
  if (typeof prefix !== 'string' || !LABEL.test(prefix) || prefix.length > 57) {
    throw new TypeError(
      `createTestNamespace: prefix ${JSON.stringify(prefix)} must be at most 57 lowercase letters, digits or "-", starting and ending with a letter or digit`,
    );
  }
  for (let attempt = 0; ; attempt++) {
    const name = `${prefix}-${suffix()}`;
    try {
      await conn.call(`create namespace ${name}`, () =>
        conn.core.createNamespace({
          body: {
            metadata: { name, labels: { 'app.kubernetes.io/created-by': 'kubexpect', ...options.labels } },
          },
        }),
      );
      recordRunNamespace(conn, name);
      return { name, cleanup: (o) => deleteNamespace(conn, name, o) };
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409 && attempt < 5) continue;
      throw err;
    }
  }
}

function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function deleteNamespace(conn: Connection, name: string, options: CleanupOptions = {}): Promise<void> {
  const gone = await conn.find(`delete namespace ${name}`, () => conn.core.deleteNamespace({ name }));
  if (!options.wait || gone === undefined) return;
  const timeout = resolveTimeout(options.timeout ?? 'namespaceCreation', 'namespace cleanup timeout');
  const until = Date.now() + timeout.ms;
  for (;;) {
    const ns = await conn.findNamespace(name);
    if (!ns) return;
    if (Date.now() >= until) {
      const conditions = (ns.status?.conditions ?? [])
        .filter((c) => c.status === 'True')
        .map((c) => `${c.type}: ${c.message ?? c.reason ?? ''}`);
      throw new Error(
        `namespace ${name} still exists after ${timeout.label} (phase ${ns.status?.phase ?? 'unknown'}${conditions.length ? `; ${conditions.join('; ')}` : ''})`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(options.pollIntervalMs ?? 250, until - Date.now())));
  }
}
