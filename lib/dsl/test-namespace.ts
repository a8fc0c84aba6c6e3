/** A unique namespace for the running node: deleted at cleanup, described in failure reports. */
import type { Connection } from '../client/index.ts';
import type { ResourceKind } from '../observe/index.ts';
import { createTestNamespace } from '../ops/index.ts';
import { DeferCleanup } from './cleanup.ts';
import { DiagnoseOnFailure } from './diagnose-on-failure.ts';

export interface UseTestNamespaceOptions {
  /** Name prefix (a dash and 5 random characters follow). Default `kubexpect`. */
  readonly prefix?: string;
  /** Kinds whose trajectories the failure report shows, besides pods, PVCs and nodes (e.g. CNPG_CLUSTERS). */
  readonly watch?: readonly ResourceKind[];
}

/**
 * Creates `<prefix>-<random>` from inside a BeforeAll, BeforeEach or It; DeferCleanup deletes it,
 * and a failure report shows its objects' trajectories and state. Resolves to its name.
 */
export async function useTestNamespace(
  conn: Connection,
  options: UseTestNamespaceOptions = {},
): Promise<string> {
  const ns = await createTestNamespace(conn, { prefix: options.prefix });
  DeferCleanup(() => ns.cleanup());
  DiagnoseOnFailure(conn, ns.name, { watch: options.watch });
  return ns.name;
}
