/**
 * drainNode: kubectl drain through the API. Cordon, list the node's pods, filter them as kubectl
 * does, evict the rest in parallel through policy/v1 Evictions (retrying PodDisruptionBudget
 * refusals until the deadline, honouring Retry-After), and wait until each evicted pod is gone or
 * replaced by a pod with a new uid.
 */
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { classifyError, KubeApiError, parseStatus } from '../client/errors.ts';
import { sleep } from '../client/sleep.ts';
import { resolveTimeout, type TimeoutSpec } from '../timeouts/index.ts';
import { cordon } from './cordon.ts';
import {
  DrainBlockedError,
  DrainError,
  type DrainResult,
  DrainTimeoutError,
  type EvictedPod,
  EvictionRefusedError,
  type PodName,
  type Refusal,
  type SkippedPod,
} from './drain-errors.ts';
import { type FilterOptions, filterPod, type PodVerdict } from './drain-filters.ts';
import { checkDrainOptions } from './drain-options.ts';
import { checkConnection } from './check-connection.ts';
import { checkNodeName } from './node-patch.ts';
import { isRunNamespace } from './run-namespaces.ts';
import { guardDisruption } from './target-guard.ts';

export interface DrainOptions {
  /** Overall deadline: a budget name or a duration. Default: the `drainNode` budget. */
  readonly timeout?: TimeoutSpec;
  /** Skip DaemonSet-managed pods (kubectl's --ignore-daemonsets). Default true; false blocks on them as kubectl does. */
  readonly ignoreDaemonSets?: boolean;
  /** Evict pods with emptyDir volumes (their data is lost). Default false: such pods block the drain. */
  readonly deleteEmptyDirData?: boolean;
  /**
   * Evict pods no controller manages (they are not recreated). Default false: such pods block the
   * drain. Applies only in the run's own namespaces (createTestNamespace's, and `ownNamespaces`):
   * an unmanaged pod anywhere else always blocks, since deleting it would lose it for good.
   */
  readonly force?: boolean;
  /** Namespaces `force` may delete unmanaged pods in, besides those createTestNamespace made on this connection. */
  readonly ownNamespaces?: readonly string[];
  /** Grace period for evicted pods; default: each pod's own. */
  readonly gracePeriodSeconds?: number;
  /** Only pods matching this label selector. */
  readonly podSelector?: string;
  /** Pods deleted longer ago than this are skipped instead of waited for (0 = never skip). */
  readonly skipWaitForDeleteTimeoutSeconds?: number;
  /** Wait before retrying a refused eviction when the server sends no Retry-After. Default 5 s (kubectl's). */
  readonly retryDelayMs?: number;
  /** How often to check whether evicted pods are gone. Default 1 s (kubectl's). */
  readonly pollIntervalMs?: number;
  /** Told about each step, for logs and the spec report. */
  readonly onProgress?: (event: DrainProgress) => void;
  readonly signal?: AbortSignal;
}

export type DrainProgress =
  | { readonly type: 'cordoned'; readonly node: string }
  | { readonly type: 'evicting'; readonly pod: PodName }
  | { readonly type: 'refused'; readonly pod: PodName; readonly message: string; readonly retryInMs: number }
  | { readonly type: 'evicted'; readonly pod: PodName; readonly outcome: EvictedPod['outcome'] };

interface Deadline {
  readonly at: number;
  readonly label: string;
  readonly signal?: AbortSignal;
}

/** Drains a node as `kubectl drain` does; see DrainOptions for the differences in defaults. */
export async function drainNode(
  conn: Connection,
  node: string,
  options: DrainOptions = {},
): Promise<DrainResult> {
  checkConnection(conn, 'drainNode');
  checkNodeName(node, 'drainNode');
  checkDrainOptions(options);
  const started = Date.now();
  const timeout = resolveTimeout(options.timeout ?? 'drainNode', 'drainNode timeout');
  const deadline: Deadline = {
    at: started + timeout.ms,
    label: timeout.label,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const filters: FilterOptions = {
    ignoreDaemonSets: options.ignoreDaemonSets ?? true,
    deleteEmptyDirData: options.deleteEmptyDirData ?? false,
    force: options.force ?? false,
    skipWaitForDeleteTimeoutSeconds: options.skipWaitForDeleteTimeoutSeconds ?? 0,
  };

  await guardDisruption(conn, `drain node ${node}`);
  if (!(await conn.findNode(node))) {
    const nodes = await conn.call('list nodes', () => conn.core.listNode());
    const names = nodes.items.map((n) => n.metadata?.name).join(', ') || '(none)';
    throw new DrainError(`drainNode: node "${node}" does not exist; nodes in the cluster: ${names}`, node);
  }
  await cordon(conn, node);
  options.onProgress?.({ type: 'cordoned', node });

  const pods = await podsOnNode(conn, node, options.podSelector);
  const own = (namespace: string) =>
    isRunNamespace(conn, namespace) || (options.ownNamespaces ?? []).includes(namespace);
  const verdicts = await Promise.all(
    pods.map(async (pod) => ({ pod, verdict: await verdictFor(conn, pod, filters, own) })),
  );
  const blocked = verdicts.flatMap(({ pod, verdict }) =>
    verdict.action === 'block' ? [{ ...nameOf(pod), message: verdict.message }] : [],
  );
  if (blocked.length > 0) throw new DrainBlockedError(node, blocked);

  const skipped: SkippedPod[] = verdicts.flatMap(({ pod, verdict }) =>
    verdict.action === 'skip' ? [{ ...nameOf(pod), reason: verdict.reason }] : [],
  );
  const warnings = groupWarnings(verdicts);
  const toEvict = verdicts.filter((v) => v.verdict.action === 'evict').map((v) => v.pod);

  const evicted: EvictedPod[] = [];
  const outcomes = await Promise.allSettled(
    toEvict.map(async (pod) => {
      const done = await evictAndWait(conn, pod, options, deadline);
      evicted.push(done);
      options.onProgress?.({ type: 'evicted', pod: nameOf(pod), outcome: done.outcome });
      return done;
    }),
  );
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length > 0) throw combineFailures(node, failures, deadline, evicted, skipped);
  return { node, evicted, skipped, warnings, elapsedMs: Date.now() - started };
}

const OUTSIDE_UNMANAGED =
  "Pods outside this run's namespaces that no controller would recreate (force applies only to the run's namespaces and ownNamespaces; delete them yourself if they may go)";

/** kubectl's filters; outside the run's own namespaces, force never deletes a pod for good. */
async function verdictFor(
  conn: Connection,
  pod: V1Pod,
  filters: FilterOptions,
  own: (namespace: string) => boolean,
): Promise<PodVerdict> {
  const verdict = await filterPod(pod, filters, daemonSetExists(conn));
  if (!filters.force || verdict.action === 'block' || own(pod.metadata?.namespace ?? '')) return verdict;
  const unforced = await filterPod(pod, { ...filters, force: false }, daemonSetExists(conn));
  return unforced.action === 'block' ? { action: 'block', message: OUTSIDE_UNMANAGED } : verdict;
}

/** The node's pods, page by page (kubectl lists with limit=500). */
async function podsOnNode(conn: Connection, node: string, labelSelector?: string): Promise<V1Pod[]> {
  const pods: V1Pod[] = [];
  let cont: string | undefined;
  do {
    const page = await conn.call(`list pods on node ${node}`, () =>
      conn.core.listPodForAllNamespaces({
        fieldSelector: `spec.nodeName=${node}`,
        limit: 500,
        ...(labelSelector ? { labelSelector } : {}),
        ...(cont ? { _continue: cont } : {}),
      }),
    );
    pods.push(...page.items.filter((p) => p.spec?.nodeName === node));
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return pods;
}

function daemonSetExists(conn: Connection) {
  return async (namespace: string, name: string): Promise<boolean> =>
    (await conn.find(
      `get daemonset ${namespace}/${name}`,
      () => conn.apps.readNamespacedDaemonSet({ namespace, name }),
      {
        namespace,
      },
    )) !== undefined;
}

function nameOf(pod: V1Pod): PodName {
  return { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' };
}

function groupWarnings(verdicts: readonly { pod: V1Pod; verdict: PodVerdict }[]): string[] {
  const byWarning = new Map<string, string[]>();
  for (const { pod, verdict } of verdicts) {
    if (verdict.action === 'block' || !verdict.warning) continue;
    const { namespace, name } = nameOf(pod);
    byWarning.set(verdict.warning, [...(byWarning.get(verdict.warning) ?? []), `${namespace}/${name}`]);
  }
  return [...byWarning].map(([w, pods]) => `${w}: ${pods.join(', ')}`);
}

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}
class StillPresent extends Error {
  constructor(readonly pod: PodName) {
    super(`${pod.namespace}/${pod.name} still present`);
  }
}

/** kubectl's evictPods loop for one pod, then waitForDelete. */
async function evictAndWait(
  conn: Connection,
  pod: V1Pod,
  options: DrainOptions,
  deadline: Deadline,
): Promise<EvictedPod> {
  const { namespace, name } = nameOf(pod);
  const uid = pod.metadata?.uid ?? '';
  const retryDelayMs = options.retryDelayMs ?? 5000;
  let refusals = 0;
  let last: { message: string; cause?: string } | undefined;
  options.onProgress?.({ type: 'evicting', pod: { namespace, name } });
  for (;;) {
    if (Date.now() >= deadline.at) {
      throw new Refused({
        namespace,
        name,
        ...(last ? await pdbOf(conn, pod, last.cause) : {}),
        message: last
          ? `${last.message}${last.cause ? ` (${last.cause})` : ''}`
          : 'no eviction attempt fitted in the deadline',
        attempts: refusals,
      });
    }
    try {
      await conn.core.createNamespacedPodEviction({
        namespace,
        name,
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace },
          ...(options.gracePeriodSeconds !== undefined
            ? { deleteOptions: { gracePeriodSeconds: options.gracePeriodSeconds } }
            : {}),
        },
      });
      break;
    } catch (err) {
      const c = classifyError(err, namespace);
      const body = parseStatus((err as { body?: unknown } | undefined)?.body);
      if (c.class === 'notFound') return { namespace, name, uid, outcome: 'not-found', refusals };
      const terminating = body?.details?.causes?.some((x) => x.reason === 'NamespaceTerminating');
      if (c.status === 403 && terminating && pod.metadata?.deletionTimestamp) break;
      if (c.status === 429 || (c.status === 403 && terminating) || c.class === 'transient') {
        refusals++;
        const cause = body?.details?.causes?.find((x) => x.reason === 'DisruptionBudget')?.message;
        last = { message: body?.message ?? c.message, ...(cause ? { cause } : {}) };
        if (c.status !== 429) conn.recordError(`evict pod ${namespace}/${name}`, c);
        const wait = Math.max(0, Math.min(c.retryAfterMs ?? retryDelayMs, deadline.at - Date.now()));
        options.onProgress?.({
          type: 'refused',
          pod: { namespace, name },
          message: last.message,
          retryInMs: wait,
        });
        await sleep(wait, deadline.signal);
        continue;
      }
      throw new KubeApiError(`evict pod ${namespace}/${name}`, c);
    }
  }
  const outcome = await waitForDelete(
    conn,
    { namespace, name },
    uid,
    options.pollIntervalMs ?? 1000,
    deadline,
  );
  return { namespace, name, uid, outcome, refusals };
}

/** Gone = 404, or the name now belongs to a pod with another uid (StatefulSets reuse names). */
async function waitForDelete(
  conn: Connection,
  pod: PodName,
  uid: string,
  intervalMs: number,
  deadline: Deadline,
): Promise<'gone' | 'replaced'> {
  for (;;) {
    const now = await conn.findPod(pod.namespace, pod.name);
    if (!now) return 'gone';
    if (now.metadata?.uid !== uid) return 'replaced';
    const left = deadline.at - Date.now();
    if (left <= 0) throw new StillPresent(pod);
    await sleep(Math.min(intervalMs, left), deadline.signal);
  }
}

/** The refusing budget: named in the server's cause, else the one PDB in the namespace that selects the pod. */
async function pdbOf(conn: Connection, pod: V1Pod, cause: string | undefined): Promise<{ pdb?: string }> {
  const named = cause?.match(/disruption budget (\S+)/)?.[1];
  if (named) return { pdb: named };
  const namespace = pod.metadata?.namespace ?? '';
  try {
    const list = await conn.call(`list poddisruptionbudgets in ${namespace}`, () =>
      conn.policy.listNamespacedPodDisruptionBudget({ namespace }),
    );
    const matching = list.items.filter((p) => selects(p.spec?.selector, pod.metadata?.labels ?? {}));
    return matching.length === 1 && matching[0]?.metadata?.name ? { pdb: matching[0].metadata.name } : {};
  } catch {
    return {};
  }
}

/** LabelSelector semantics: a missing selector selects nothing, an empty one everything. */
function selects(selector: V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(value ?? '')
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(value ?? '')
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

function combineFailures(
  node: string,
  failures: readonly unknown[],
  deadline: Deadline,
  evicted: readonly EvictedPod[],
  skipped: readonly SkippedPod[],
): Error {
  const refusals = failures.flatMap((f) => (f instanceof Refused ? [f.refusal] : []));
  if (refusals.length > 0) return new EvictionRefusedError(node, refusals, deadline.label, evicted, skipped);
  const pending = failures.flatMap((f) => (f instanceof StillPresent ? [f.pod] : []));
  if (pending.length > 0) return new DrainTimeoutError(node, pending, deadline.label, evicted, skipped);
  const first = failures[0];
  if (first instanceof Error && !(first instanceof DrainError)) {
    return new DrainError(`drainNode ${node}: ${first.message}`, node, evicted, skipped);
  }
  return first as Error;
}
