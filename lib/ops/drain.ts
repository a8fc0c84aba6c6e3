/**
 * drainNode: kubectl drain through the API. Cordon, list the node's pods, filter them as kubectl
 * does, evict the rest in parallel through policy/v1 Evictions (retrying PodDisruptionBudget
 * refusals until the deadline, honouring Retry-After), and wait until each evicted pod is gone or
 * replaced by a pod with a new uid. One deadline bounds it all: every call runs in its scope with
 * the one retry policy, and the waits for deleted pods go through the one wait engine.
 */
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { type ClassifiedError, classifyError, parseStatus } from '../client/errors.ts';
import { callWithRetry } from '../client/retry.ts';
import { withCallScope } from '../client/scope.ts';
import {
  eventuallyMatch,
  fail,
  KubeAssertionError,
  type MatcherDefinition,
  type ObjectState,
  observeObject,
  pass,
} from '../expect/index.ts';
import { PODS } from '../observe/index.ts';
import {
  type Deadline,
  DeadlineExceededError,
  graceDeadline,
  resolveTimeout,
  startDeadline,
  type TimeoutSpec,
} from '../timeouts/index.ts';
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
import { checkConnection } from '../client/check-connection.ts';
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

/** Drains a node as `kubectl drain` does; see DrainOptions for the differences in defaults. */
export async function drainNode(
  conn: Connection,
  node: string,
  options: DrainOptions = {},
): Promise<DrainResult> {
  checkConnection(conn, 'drainNode');
  checkNodeName(node, 'drainNode');
  checkDrainOptions(options);
  const timeout = resolveTimeout(options.timeout ?? 'drainNode', 'drainNode timeout');
  // One deadline for the whole drain: every API call below runs in its scope (retried until it).
  const deadline = startDeadline(timeout, [options.signal]);
  try {
    return await withCallScope(deadline, () => drain(conn, node, options, deadline));
  } finally {
    deadline.end('the drain ended');
  }
}

async function drain(
  conn: Connection,
  node: string,
  options: DrainOptions,
  deadline: Deadline,
): Promise<DrainResult> {
  const started = deadline.startedAt;
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
  const operation = `evict pod ${namespace}/${name}`;
  let refusals = 0;
  let last: { message: string; cause?: string } | undefined;
  options.onProgress?.({ type: 'evicting', pod: { namespace, name } });
  let evicted: 'evicted' | 'not-found';
  try {
    // The one retry policy, until the drain's deadline: refusals (429, a terminating namespace) and
    // transient errors are retried after the server's Retry-After, else kubectl's 5 s.
    const outcome = await callWithRetry(
      operation,
      async () => {
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
        return 'evicted' as const;
      },
      {
        namespace,
        notFoundIsState: true,
        policy: { ...conn.retryPolicy, minDelayMs: retryDelayMs, maxDelayMs: retryDelayMs },
        classify: (err) => evictionRefusal(err, namespace, pod),
        onTransient: (c) => {
          refusals++;
          last = refusalOf(c);
          // A PodDisruptionBudget refusal is the answer a drain waits through, not an API error.
          if (c.status !== 429) conn.recordError(operation, c);
        },
        onRetry: (c, delayMs) =>
          options.onProgress?.({
            type: 'refused',
            pod: { namespace, name },
            message: refusalOf(c).message,
            retryInMs: Math.max(0, Math.min(delayMs, deadline.remainingMs())),
          }),
      },
    ).catch((err: unknown) => {
      // A pod already going away in a terminating namespace counts as evicted (kubectl does so).
      if ((err as { classified?: ClassifiedError }).classified?.reason === 'AlreadyTerminating')
        return 'evicted' as const;
      throw err;
    });
    evicted = outcome ?? 'not-found';
  } catch (err) {
    if (!(deadline.signal.reason instanceof DeadlineExceededError)) throw err;
    throw new Refused({
      namespace,
      name,
      ...(last ? await afterDeadline(deadline, () => pdbOf(conn, pod, last?.cause)) : {}),
      message: last
        ? `${last.message}${last.cause ? ` (${last.cause})` : ''}`
        : 'no eviction attempt fitted in the deadline',
      attempts: refusals,
    });
  }
  if (evicted === 'not-found') return { namespace, name, uid, outcome: 'not-found', refusals };
  const outcome = await waitForDelete(conn, { namespace, name }, uid, options, deadline);
  return { namespace, name, uid, outcome, refusals };
}

/** The server's words for a refusal: its Status message, and the PodDisruptionBudget cause if named. */
function refusalOf(c: ClassifiedError & { statusMessage?: string; cause?: string }): {
  message: string;
  cause?: string;
} {
  return { message: c.statusMessage ?? c.message, ...(c.cause ? { cause: c.cause } : {}) };
}

/**
 * Eviction's own reading of errors (kubectl's): 429 and a terminating namespace are refusals to
 * retry, carrying the server's message and the budget named in the cause; a pod already being
 * deleted in a terminating namespace is done. Everything else: the one classifier.
 */
function evictionRefusal(err: unknown, namespace: string, pod: V1Pod): ClassifiedError | undefined {
  const c = classifyError(err, namespace);
  const body = parseStatus((err as { body?: unknown } | undefined)?.body);
  // The pod's namespace was deleted since the list, and the pod with it: done, as kubectl's drain
  // takes every NotFound of an eviction (a real server answers 404 for the namespace here).
  if (c.status === 404 && c.missingNamespace) return { ...c, class: 'notFound' };
  const terminating = body?.details?.causes?.some((x) => x.reason === 'NamespaceTerminating');
  if (c.status === 403 && terminating && pod.metadata?.deletionTimestamp) {
    return { ...c, class: 'final', reason: 'AlreadyTerminating' };
  }
  if (c.status === 429 || (c.status === 403 && terminating) || c.class === 'transient') {
    const cause = body?.details?.causes?.find((x) => x.reason === 'DisruptionBudget')?.message;
    return Object.assign(
      { ...c, class: 'transient' as const },
      { statusMessage: body?.message ?? c.message, ...(cause ? { cause } : {}) },
    );
  }
  return undefined;
}

/** Work for a failure message after the deadline passed: a short grace of its own. */
async function afterDeadline<T>(deadline: Deadline, fn: () => Promise<T>): Promise<T> {
  const grace = graceDeadline(deadline.budget);
  try {
    return await withCallScope(grace, fn);
  } finally {
    grace.end();
  }
}

/** Gone = deleted, or the name now belongs to a pod with another uid (StatefulSets reuse names). */
function goneOrReplaced(uid: string): MatcherDefinition<ObjectState<V1Pod>, 'gone' | 'replaced'> {
  return {
    name: 'toBeGoneOrReplaced',
    expectation: `to be deleted or replaced (uid ${uid.slice(0, 8)} gone)`,
    test: ({ object }) => {
      if (!object) return pass('gone', 'deleted');
      if (object.metadata?.uid !== uid) return pass('replaced', `replaced by uid ${object.metadata?.uid}`);
      return fail(`still present (uid ${uid.slice(0, 8)})`);
    },
  };
}

/** kubectl's waitForDelete, on the one wait engine (watch-driven, pollIntervalMs as its safety tick). */
async function waitForDelete(
  conn: Connection,
  pod: PodName,
  uid: string,
  options: DrainOptions,
  deadline: Deadline,
): Promise<'gone' | 'replaced'> {
  const left = deadline.remainingMs();
  if (left <= 0) throw new StillPresent(pod);
  try {
    return await eventuallyMatch(
      `drainNode: pod ${pod.namespace}/${pod.name} deleted`,
      () => observeObject<V1Pod>(conn, PODS, pod.namespace, pod.name),
      goneOrReplaced(uid),
      {
        timeout: left,
        poll: Math.max(10, options.pollIntervalMs ?? 1000),
        events: 0,
        progress: false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  } catch (err) {
    if (err instanceof KubeAssertionError && err.report.kind === 'timeout') throw new StillPresent(pod);
    if (err instanceof KubeAssertionError && err.report.kind === 'aborted')
      throw options.signal?.reason ?? err;
    throw err;
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
  if (refusals.length > 0)
    return new EvictionRefusedError(node, refusals, deadline.budget.label, evicted, skipped);
  const pending = failures.flatMap((f) => (f instanceof StillPresent ? [f.pod] : []));
  if (pending.length > 0)
    return new DrainTimeoutError(node, pending, deadline.budget.label, evicted, skipped);
  const first = failures[0];
  if (first instanceof Error && !(first instanceof DrainError)) {
    return new DrainError(`drainNode ${node}: ${first.message}`, node, evicted, skipped);
  }
  return first as Error;
}
