/**
 * DiagnoseOnFailure: what a failure report shows of the cluster. For a namespace: the trajectories
 * of its objects (recorded from registration on), their state when the spec failed, and the storage
 * behind its claims.
 */
import { Connection } from '../client/index.ts';
import { acquireCache, formatTrajectory, NODES, PODS, PVCS, type ResourceKind } from '../observe/index.ts';
import { DeferCleanup } from './cleanup.ts';
import { describeNamespaceState } from './namespace-state.ts';
import { currentScope, type DiagnosticSource } from './scope.ts';
import { storageDiagnostics } from './storage-diagnostics.ts';

/** A report file has room for longer trajectories than a failure message. */
const REPORT_TRAJECTORY_ROWS = 80;

/** Records the trajectories of every object of the given kinds, from now until the scope ends. */
function watchTrajectories(
  conn: Connection,
  namespace: string,
  kinds: readonly ResourceKind[],
): DiagnosticSource {
  const watched = kinds.map((kind) => {
    const cache = acquireCache(conn, kind, kind.namespaced ? namespace : undefined);
    const keys = new Set<string>(cache.list().map((o) => cache.keyOf(o)));
    const unsubscribe = cache.subscribe((change) => {
      if (change) keys.add(change.key);
    });
    return { kind, cache, keys, unsubscribe };
  });
  DeferCleanup(() => {
    for (const w of watched) {
      w.unsubscribe();
      w.cache.release();
    }
  });
  return {
    title: `Trajectories (times relative to the start of the failed node; namespace ${namespace})`,
    collect: async ({ since }) => {
      const parts: string[] = [];
      for (const w of watched) {
        for (const o of w.cache.list()) w.keys.add(w.cache.keyOf(o));
        for (const key of [...w.keys].sort()) {
          const entries = w.cache.trajectory(key).entries;
          parts.push(`${w.kind.plural}/${key}:`, formatTrajectory(entries, since, REPORT_TRAJECTORY_ROWS));
        }
      }
      return parts.join('\n') || '(nothing observed)';
    },
  };
}

export interface DiagnoseOptions {
  /** Kinds whose objects' trajectories are recorded, in addition to pods, PVCs and nodes. */
  readonly watch?: readonly ResourceKind[];
}

/**
 * Adds to the failure report of the running scope either a DiagnosticSource, or, for a connection
 * and namespace: the trajectories of its pods, PVCs and the nodes (recorded from now on, so states
 * that came and went show up), the state of its pods, claims, volumes, nodes and events when the
 * failure happened, and the storage behind its claims (summarised in the error too). From BeforeAll it covers every spec of the container; from a spec or
 * BeforeEach, that spec.
 */
export function DiagnoseOnFailure(source: DiagnosticSource): void;
export function DiagnoseOnFailure(conn: Connection, namespace: string, options?: DiagnoseOptions): void;
export function DiagnoseOnFailure(
  source: DiagnosticSource | Connection,
  namespace?: string,
  options: DiagnoseOptions = {},
): void {
  const scope = currentScope('DiagnoseOnFailure');
  if (!(source instanceof Connection)) {
    scope.diagnostics.push(source);
    return;
  }
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError('DiagnoseOnFailure(conn, namespace): the namespace must be a non-empty string');
  }
  scope.diagnostics.push(watchTrajectories(source, namespace, [PODS, PVCS, NODES, ...(options.watch ?? [])]));
  scope.diagnostics.push({
    title: `Cluster state when the report was taken (namespace ${namespace})`,
    collect: () => describeNamespaceState(source, namespace),
  });
  scope.diagnostics.push(storageDiagnostics(source, namespace));
}
