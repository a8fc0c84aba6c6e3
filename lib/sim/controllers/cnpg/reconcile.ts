/**
 * One reconcile of a Cluster, in the order of the real operator's loop
 * (internal/controller/cluster_controller.go `reconcile`, `reconcileResources`, `reconcilePods`).
 */
import { type CnpgKinds, mergePatchBetween, type Pass } from './pass.ts';
import { FIELD_MANAGER } from './naming.ts';
import { withDefaults, validateClusterSpec } from './defaults.ts';
import { continueFailover, startFailoverIfNeeded } from './failover.ts';
import {
  collectReports,
  type InstanceReport,
  reportedState,
  simulateInstanceManagers,
} from './instance-manager.ts';
import { PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER, rollingUpdate } from './rollout.ts';
import {
  createMissingInstance,
  createPrimaryInstance,
  deleteTerminatedPods,
  deleteUnrecoverableInstances,
  ensureBootstrapJobs,
  processUnschedulableInstances,
  reattachDanglingPvcs,
  scaleDown,
} from './instances.ts';
import { markPvcsReadyForCompletedJobs } from './jobs.ts';
import { reconcilePrimaryLease } from './lease.ts';
import { reconcilePdbs } from './pdbs.ts';
import { classifyPvcs, type PvcClassification, resizePvcs } from './pvcs.ts';
import { markOldPrimaryUnhealthy, reconcileRoleLabels } from './roles.ts';
import { reconcileSecrets } from './secrets.ts';
import { reconcileServiceAccount } from './service-account.ts';
import { reconcileServices } from './services.ts';
import { isActive, isDeleting, isReady, jobCompleted, jobFailed, jobRunning } from './state.ts';
import {
  PENDING_FAILOVER_MARKER,
  PHASE,
  registerPhase,
  reportingPods,
  updateResourceStatus,
} from './status.ts';
import { switchoverFromDrainingNode } from './switchover.ts';
import type { ClusterObject } from './types.ts';
import type { SimRuntime } from '../runtime.ts';

/**
 * Writes the defaults into the spec when the webhook did not (webhooks disabled); true when it
 * wrote, so the pass ends and the resulting update starts the next one.
 */
export function applyDefaults(runtime: SimRuntime, kinds: CnpgKinds, cluster: ClusterObject): boolean {
  if (validateClusterSpec(cluster.spec).length > 0) return false;
  const patch = mergePatchBetween(cluster.spec ?? {}, withDefaults(cluster.spec ?? {}));
  if (!patch) return false;
  runtime.api.patch(
    kinds.clusters,
    cluster.metadata.namespace,
    cluster.metadata.name!,
    'application/merge-patch+json',
    { spec: patch },
    { fieldManager: FIELD_MANAGER },
  );
  return true;
}

export function reconcilePass(pass: Pass): void {
  const errors = validateClusterSpec(pass.cluster.spec);
  if (errors.length > 0) {
    registerPhase(
      pass,
      PHASE.definitionInvalid,
      errors.map((e) => `${e.field}: ${e.detail ?? e.type}`).join('; '),
    );
    return;
  }
  reconcileSecrets(pass);
  reconcileServices(pass);
  reconcileServiceAccount(pass);
  reconcilePdbs(pass);
  markPvcsReadyForCompletedJobs(pass);
  const pvcs = classifyPvcs(pass);
  updateResourceStatus(pass, pvcs);
  simulateInstanceManagers(pass);
  reconcilePrimaryLease(pass);

  const s = pass.status;
  if (s.currentPrimary && s.currentPrimary !== s.targetPrimary) {
    // A failover or switchover is in progress: nothing else happens until the target is primary.
    if (s.targetPrimary === PENDING_FAILOVER_MARKER) continueFailover(pass, collectReports(pass));
    markOldPrimaryUnhealthy(pass);
    pass.requeue(1000);
    return;
  }
  const reports = collectReports(pass);
  s.instancesReportedState = reportedState(pass, reports);
  reconcileRoleLabels(pass);
  if (switchoverFromDrainingNode(pass, reports)) return;
  if (startFailoverIfNeeded(pass, reports)) return;
  reconcileResources(pass, pvcs, reports);
}

function reconcileResources(pass: Pass, pvcs: PvcClassification, reports: InstanceReport[]): void {
  const failed = pass.jobs.filter((j) => !isDeleting(j) && jobFailed(j));
  if (failed.length > 0) {
    registerPhase(
      pass,
      PHASE.unrecoverable,
      `Instance creation failed for the following jobs: ${failed.map((j) => j.metadata.name).join(', ')}`,
    );
    return;
  }
  if (ensureBootstrapJobs(pass)) return;
  if (pass.jobs.some(jobRunning)) {
    pass.requeue(5000);
    return;
  }
  if (deleteTerminatedPods(pass)) return;
  if (processUnschedulableInstances(pass)) return;
  if (deleteUnrecoverableInstances(pass)) return;
  if (pass.pods.some((p) => !isActive(p))) {
    // A primary restarting without a switchover keeps saying so while its pod comes back.
    if (pass.status.phase !== PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER) {
      registerPhase(pass, PHASE.waitingForInstances, 'Some instances are not yet active. Please wait.');
    }
    pass.requeue(1000);
    return;
  }
  resizePvcs(pass);
  if (reattachDanglingPvcs(pass, pvcs)) return;
  const s = pass.status;
  const instances = s.instances ?? 0;
  if (instances === 0) {
    createPrimaryInstance(pass, pvcs);
    return;
  }
  // Until the first primary's instance manager has reported itself, nothing can join it.
  if (!s.currentPrimary) {
    pass.requeue(1000);
    return;
  }
  const mw = pass.spec.nodeMaintenanceWindow;
  const maintenanceReusingPvcs = !!mw?.inProgress && mw.reusePVC !== false;
  if (!maintenanceReusingPvcs && reportingPods(pass) < instances) {
    pass.requeue(1000);
    return;
  }
  const wanted = pass.spec.instances ?? 1;
  if (instances < wanted) {
    createMissingInstance(pass, pvcs);
    return;
  }
  if (instances > wanted) {
    scaleDown(pass, pvcs);
    return;
  }
  if (pass.pods.some((p) => !isReady(p)) || pass.pods.length < wanted) {
    pass.requeue(1000);
    return;
  }
  if (rollingUpdate(pass, reports)) return;
  for (const job of pass.jobs) {
    if (jobCompleted(job) && !isDeleting(job)) pass.delete(pass.kinds.jobs, job.metadata.name!, 'Foreground');
  }
  registerPhase(pass, PHASE.healthy, '');
}
