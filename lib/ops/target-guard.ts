/**
 * The target guard: drain, cordon, taints, labels, evictions and deletes outside the run's own
 * namespaces only ever run against a test cluster. A cluster is one when it carries the marker
 * ConfigMap kube-public/kubexpect-test-cluster (the embedded cluster and the real control plane
 * create it at boot), when its context is kind's own (`kind-*`) with the server on loopback, or
 * when KUBEXPECT_ALLOW_DISRUPTION names its context. Anything else is refused before the first write.
 */
import type { Connection } from '../client/connection.ts';
import { KubeApiError, redact } from '../client/errors.ts';
import { readEnv } from '../config/env.ts';
import { checkConnection } from '../client/check-connection.ts';
import { isRunNamespace } from './run-namespaces.ts';

/** The ConfigMap that marks a cluster as one kubexpect may disrupt. */
export const TEST_CLUSTER_MARKER = Object.freeze({
  namespace: 'kube-public',
  name: 'kubexpect-test-cluster',
});

export interface TargetVerdict {
  readonly context: string;
  /** The API server URL, without any credentials it may carry. */
  readonly server: string;
  readonly disruptionAllowed: boolean;
  /** Why disruption is allowed, or why not. */
  readonly reason: string;
}

/** A disruptive action refused because the cluster is not a test cluster. */
export class DisruptionRefusedError extends Error {
  override readonly name = 'DisruptionRefusedError';
  constructor(
    readonly action: string,
    readonly verdict: TargetVerdict,
  ) {
    const { context, server } = verdict;
    super(
      `kubexpect refused to ${action}: context "${context}" (server ${server}) is not a test cluster: ${verdict.reason}. ` +
        `Nothing was changed. If this cluster is yours to disrupt, run with KUBEXPECT_ALLOW_DISRUPTION=${context}, ` +
        `or mark it: kubectl --context ${context} -n ${TEST_CLUSTER_MARKER.namespace} create configmap ${TEST_CLUSTER_MARKER.name}`,
    );
  }
}

/** The marker's presence, read once per connection (a cluster does not turn into another one). */
const markers = new WeakMap<Connection, Promise<MarkerState>>();
type MarkerState = { readonly present: true } | { readonly present: false; readonly why: string };

function markerOf(conn: Connection): Promise<MarkerState> {
  let state = markers.get(conn);
  if (!state) {
    state = readMarker(conn);
    markers.set(conn, state);
    // A failed read (server down) is not a verdict: the next action asks again.
    state.catch(() => markers.delete(conn));
  }
  return state;
}

async function readMarker(conn: Connection): Promise<MarkerState> {
  const { namespace, name } = TEST_CLUSTER_MARKER;
  try {
    const found = await conn.find(`get configmap ${namespace}/${name}`, () =>
      conn.core.readNamespacedConfigMap({ namespace, name }),
    );
    return found ? { present: true } : { present: false, why: `it has no ConfigMap ${namespace}/${name}` };
  } catch (err) {
    // Not allowed to read kube-public: the marker cannot be seen, so the cluster is not marked.
    if (err instanceof KubeApiError && (err.status === 401 || err.status === 403)) {
      return { present: false, why: `the ConfigMap ${namespace}/${name} cannot be read (${err.status})` };
    }
    throw err;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(server: string): boolean {
  try {
    const host = new URL(server).hostname;
    return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

function serverOf(conn: Connection): string {
  try {
    const url = new URL(conn.server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return redact(conn.server) || '(none)';
  }
}

/**
 * Whether disruptive actions may run against this connection's cluster, and why. The env var is
 * read at every call (a run may set it between specs); the cluster's marker once per connection.
 */
export async function targetVerdict(conn: Connection): Promise<TargetVerdict> {
  checkConnection(conn, 'targetVerdict');
  const context = conn.context;
  const server = serverOf(conn);
  const named = readEnv('KUBEXPECT_ALLOW_DISRUPTION')?.trim();
  if (named === context) {
    return {
      context,
      server,
      disruptionAllowed: true,
      reason: 'KUBEXPECT_ALLOW_DISRUPTION names this context',
    };
  }
  if (context.startsWith('kind-') && isLoopback(conn.server)) {
    return { context, server, disruptionAllowed: true, reason: 'a kind context with its server on loopback' };
  }
  const marker = await markerOf(conn);
  if (marker.present) {
    return {
      context,
      server,
      disruptionAllowed: true,
      reason: `marked as a test cluster (ConfigMap ${TEST_CLUSTER_MARKER.namespace}/${TEST_CLUSTER_MARKER.name})`,
    };
  }
  const notKind = context.startsWith('kind-')
    ? 'its kind context points away from loopback'
    : 'its context is not a kind context on loopback';
  const env =
    named === undefined
      ? 'KUBEXPECT_ALLOW_DISRUPTION is not set'
      : `KUBEXPECT_ALLOW_DISRUPTION names "${named}", not this context`;
  return { context, server, disruptionAllowed: false, reason: `${marker.why}, ${notKind}, and ${env}` };
}

/**
 * Throws DisruptionRefusedError unless the cluster is a test cluster. `action` completes "refused
 * to …" (e.g. `drain node worker-1`). With `namespace`, an action inside a namespace this run
 * created needs no permission: the spec owns what is there.
 */
export async function guardDisruption(
  conn: Connection,
  action: string,
  options: { readonly namespace?: string } = {},
): Promise<void> {
  if (options.namespace !== undefined && isRunNamespace(conn, options.namespace)) return;
  const verdict = await targetVerdict(conn);
  if (!verdict.disruptionAllowed) throw new DisruptionRefusedError(action, verdict);
}
