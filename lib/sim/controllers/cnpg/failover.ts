/**
 * Failover (replicas.go `reconcileTargetPrimaryForNonReplicaCluster`, docs/src/failover.md): when
 * the most advanced answering instance is not the target primary, wait failoverDelay, set
 * targetPrimary to "pending" ("Initiating a failover from <old>"), wait for the replicas' WAL
 * receivers to stop, then target the most advanced replica ("Failing over from <old> to <new>").
 */
import type { InstanceReport } from './instance-manager.ts';
import type { Pass } from './pass.ts';
import { PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER } from './rollout.ts';
import { microNow, PENDING_FAILOVER_MARKER, PHASE, registerPhase } from './status.ts';

/** Starts a failover when the primary no longer answers first; true when the pass must stop here. */
export function startFailoverIfNeeded(pass: Pass, reports: InstanceReport[]): boolean {
  const s = pass.status;
  const first = reports[0];
  if (!first) return false;
  if (first.name === s.targetPrimary) {
    delete s.currentPrimaryFailingSinceTimestamp;
    return false;
  }
  // An instance already promoted on its own (none here: promotions follow targetPrimary), or nobody to promote.
  if (first.isPrimary || first.error) return false;
  // A primary restarted on purpose by a rolling update is waited for, not failed over.
  if (s.phase === PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER) return false;
  const delay = pass.spec.failoverDelay ?? 0;
  if (delay > 0) {
    if (!s.currentPrimaryFailingSinceTimestamp) {
      s.currentPrimaryFailingSinceTimestamp = microNow(pass);
      pass.requeue(1000);
      return true;
    }
    const since = Date.parse(s.currentPrimaryFailingSinceTimestamp);
    const elapsedRealistic = (pass.api.now().getTime() - since) / pass.runtime.timeScale;
    if (elapsedRealistic < delay * 1000) {
      pass.requeue(Math.min(1000, delay * 1000 - elapsedRealistic));
      return true;
    }
  }
  const old = s.currentPrimary ?? '';
  pass.event('Normal', 'FailingOver', "Current primary isn't healthy, initiating a failover");
  registerPhase(pass, PHASE.failOver, `Initiating a failover from ${old}`);
  s.targetPrimary = PENDING_FAILOVER_MARKER;
  s.targetPrimaryTimestamp = microNow(pass);
  pass.memory.failoverStartedAt = Date.now();
  pass.requeue(pass.settings.latencies.walReceiverStop);
  return true;
}

/** With targetPrimary "pending": once the WAL receivers are down, target the most advanced replica. */
export function continueFailover(pass: Pass, reports: InstanceReport[]): void {
  const s = pass.status;
  const stopLatency = pass.settings.latencies.walReceiverStop;
  pass.memory.failoverStartedAt ??= Date.now();
  const waited = Date.now() - pass.memory.failoverStartedAt;
  if (waited < pass.runtime.scaled(stopLatency)) {
    pass.requeue((pass.runtime.scaled(stopLatency) - waited) / pass.runtime.timeScale);
    return;
  }
  const old = s.currentPrimary ?? '';
  const candidate = reports.find((r) => !r.error && r.name !== old);
  if (!candidate) {
    pass.requeue(1000);
    return;
  }
  pass.event('Normal', 'FailoverTarget', `Failing over from ${old} to ${candidate.name}`);
  registerPhase(pass, PHASE.failOver, `Failing over from ${old} to ${candidate.name}`);
  s.targetPrimary = candidate.name;
  s.targetPrimaryTimestamp = microNow(pass);
  pass.memory.failoverStartedAt = undefined;
  pass.requeue(0);
}
