/**
 * What the instance managers inside the pods would tell the operator, simulated (no PostgreSQL
 * runs): the `/pg/status` answers sorted as `pkg/postgres/status.go` sorts them, and the writes an
 * instance manager makes itself, `status.currentPrimary` when it has started or promoted as the
 * target primary. An instance answers when its pod is Running and Ready on a reachable node.
 */
import { stableDraw } from '../stable-random.ts';
import type { Pass } from './pass.ts';
import { isActive, isReady, isUnreachable, nodeNameOf } from './state.ts';
import { microNow, PENDING_FAILOVER_MARKER } from './status.ts';
import type { PodShape } from './types.ts';

export interface InstanceReport {
  name: string;
  pod: PodShape;
  node: string | undefined;
  /** The status request failed (pod not Ready, or its node unreachable). */
  error: boolean;
  isPrimary: boolean;
  ready: boolean;
  /** Simulated replication lag; the smallest is the most advanced replica. */
  lag: number;
}

/**
 * Simulated replication lag of a replica behind the primary it streams from, keyed by the seed and
 * the names involved (never by timing), so the same seed elects the same replica.
 */
function lagOf(pass: Pass, pod: PodShape): number {
  return stableDraw(
    pass.runtime,
    'cnpg-lag',
    pass.namespace,
    pass.name,
    pod.metadata.name!,
    pass.status.currentPrimary ?? '',
  );
}

/** Every active instance's status answer, sorted: errors last, primaries first, most advanced next, then name. */
export function collectReports(pass: Pass): InstanceReport[] {
  const reports = pass.pods.filter(isActive).map((pod): InstanceReport => {
    const node = nodeNameOf(pod);
    const ready = isReady(pod);
    const error = !ready || isUnreachable(node ? pass.nodes.get(node) : undefined);
    return {
      name: pod.metadata.name!,
      pod,
      node,
      error,
      isPrimary: !error && pod.metadata.name === pass.status.currentPrimary,
      ready,
      lag: lagOf(pass, pod),
    };
  });
  return reports.sort((a, b) => {
    if (a.error !== b.error) return a.error ? 1 : -1;
    if (a.isPrimary !== b.isPrimary) return a.isPrimary ? -1 : 1;
    if (a.lag !== b.lag) return a.lag - b.lag;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

/** A replica streams from the primary while both answer (`isWalReceiverActive`). */
export function walReceiverActive(reports: InstanceReport[], replica: InstanceReport): boolean {
  return !replica.error && !replica.isPrimary && reports.some((r) => r.isPrimary);
}

/**
 * The target primary's instance manager: it reports itself as `currentPrimary` once its pod runs
 * (first bootstrap) or once it has promoted (failover, switchover), after the configured latency.
 */
export function simulateInstanceManagers(pass: Pass): void {
  const { currentPrimary, targetPrimary } = pass.status;
  if (!targetPrimary || targetPrimary === PENDING_FAILOVER_MARKER || targetPrimary === currentPrimary) {
    pass.memory.promotion = undefined;
    return;
  }
  const pod = pass.pod(targetPrimary);
  const node = pod ? nodeNameOf(pod) : undefined;
  const firstStart = !currentPrimary;
  const canPromote =
    !!pod &&
    isActive(pod) &&
    (firstStart || (isReady(pod) && !isUnreachable(node ? pass.nodes.get(node) : undefined)));
  if (!canPromote) {
    pass.memory.promotion = undefined;
    return;
  }
  const latencies = pass.settings.latencies;
  const now = Date.now();
  const due = pass.memory.promotion;
  if (!due || due.target !== targetPrimary) {
    const oldPrimary = pass.pod(currentPrimary);
    const oldAlive = !!oldPrimary && isActive(oldPrimary) && isReady(oldPrimary);
    const latency = firstStart
      ? latencies.firstPrimaryStart
      : oldAlive
        ? latencies.switchover
        : latencies.promote;
    pass.memory.promotion = { target: targetPrimary, dueAt: now + pass.runtime.scaled(latency) };
    pass.requeue(latency);
    return;
  }
  if (now < due.dueAt) {
    pass.requeue((due.dueAt - now) / pass.runtime.timeScale);
    return;
  }
  pass.memory.promotion = undefined;
  pass.status.currentPrimary = targetPrimary;
  pass.status.currentPrimaryTimestamp = microNow(pass);
  // initdb starts timeline 1; every promotion opens the next one.
  if (firstStart) {
    pass.status.timelineID ??= 1;
    pass.status.systemID ??= systemIdentifier(pass);
  } else {
    pass.status.timelineID = (pass.status.timelineID ?? 1) + 1;
  }
  pass.requeue(0);
}

/** A PostgreSQL system identifier (19 digits), fixed by the seed and the cluster's identity. */
function systemIdentifier(pass: Pass): string {
  const draw = (part: string) =>
    Math.floor(stableDraw(pass.runtime, 'cnpg-system-id', pass.namespace, pass.name, part) * 1e9);
  return `7${String(draw('a')).padStart(9, '0')}${String(draw('b')).padStart(9, '0')}`;
}

/** What the instances report of themselves (`status.instancesReportedState`). */
export function reportedState(pass: Pass, reports: InstanceReport[]): Record<string, unknown> {
  return Object.fromEntries(
    reports
      .filter((r) => !r.error)
      .map((r) => [
        r.name,
        {
          isPrimary: r.isPrimary,
          timeLineID: pass.status.timelineID ?? 1,
          ip: (r.pod.status as { podIP?: string } | undefined)?.podIP ?? '',
        },
      ]),
  );
}
