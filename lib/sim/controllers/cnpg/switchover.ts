/**
 * Switchover away from a primary whose node is being drained (replicas.go
 * `setPrimaryOnSchedulableNode`): the node is unschedulable or carries a drain taint, nothing else
 * is in progress, and a Ready, streaming replica runs on another schedulable node.
 */
import { type InstanceReport, walReceiverActive } from './instance-manager.ts';
import type { Pass } from './pass.ts';
import { isDraining } from './state.ts';
import { microNow, PHASE, registerPhase } from './status.ts';

/** True when a switchover was started (the pass stops there). */
export function switchoverFromDrainingNode(pass: Pass, reports: InstanceReport[]): boolean {
  const s = pass.status;
  const current = s.currentPrimary;
  const first = reports[0];
  if (!current || s.targetPrimary !== current || !first || first.name !== current || !first.isPrimary)
    return false;
  const primaryNode = first.node;
  const drainTaints = pass.settings.drainTaints;
  if (!primaryNode || !isDraining(pass.nodes.get(primaryNode), drainTaints)) return false;
  const instances = pass.spec.instances ?? 1;
  const anyFailed = (s.instancesStatus?.failed ?? []).length > 0;
  const elsewhere = reports.filter((r) => r.node && r.node !== primaryNode).length;
  // Something is already in progress: wait for it, unless an instance has failed.
  if (!anyFailed && (instances !== s.readyInstances || elsewhere < instances - 1)) return false;
  const candidate = reports.find(
    (r) =>
      r.name !== current &&
      !!r.node &&
      r.node !== primaryNode &&
      !isDraining(pass.nodes.get(r.node), drainTaints) &&
      r.ready &&
      walReceiverActive(reports, r),
  );
  if (!candidate) return false;
  pass.event(
    'Normal',
    'SwitchingOver',
    `Current primary is running on unschedulable node ${primaryNode}, switching over from ${current} to ${candidate.name}`,
  );
  registerPhase(
    pass,
    PHASE.switchover,
    `Switching over to ${candidate.name}, because primary instance was running on unschedulable node ${primaryNode}`,
  );
  s.targetPrimary = candidate.name;
  s.targetPrimaryTimestamp = microNow(pass);
  pass.requeue(1000);
  return true;
}
