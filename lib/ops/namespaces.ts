/** Unique test namespaces (CNPG's CreateUniqueTestNamespace), removed after the spec. */
import { randomBytes } from 'node:crypto';
import type { Connection } from '../client/connection.ts';
import { KubeApiError } from '../client/errors.ts';
import { eventually, objectRef } from '../matchers/index.ts';
import { NAMESPACES } from '../observe/index.ts';
import type { TimeoutSpec } from '../timeouts/index.ts';
import { checkConnection } from '../client/check-connection.ts';
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
  /** The wait's safety tick (it is driven by the namespace's watch events). Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Ends the wait early. */
  readonly signal?: AbortSignal;
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

function deleteNamespace(conn: Connection, name: string, options: CleanupOptions = {}): Promise<void> {
  // Built (and its options checked, throwing at the call) before anything is deleted; waits on the one engine.
  const gone = options.wait
    ? eventually(conn, objectRef(NAMESPACES, undefined, name), {
        timeout: options.timeout ?? 'namespaceCreation',
        poll: options.pollIntervalMs ?? 250,
        events: 0,
        ...(options.signal ? { signal: options.signal } : {}),
      })
    : undefined;
  return (async () => {
    const deleted = await conn.find(`delete namespace ${name}`, () => conn.core.deleteNamespace({ name }));
    if (!gone || deleted === undefined) return;
    await gone.toBeDeleted();
  })();
}
