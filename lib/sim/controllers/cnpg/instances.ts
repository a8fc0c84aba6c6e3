/**
 * Instance management (cluster_create.go, cluster_scale.go, cluster_controller.go): the first
 * primary through an initdb Job, replicas through join Jobs one at a time, pods recreated under the
 * same name on their dangling PVCs, scale down, and the removal of terminated, unschedulable (in a
 * maintenance window without PVC reuse) and unrecoverable instances.
 */
import { ANNOTATION, instanceName, jobName, LABEL, serialOf, walPvcName } from './naming.ts';
import type { Pass } from './pass.ts';
import { buildInstancePod } from './pods.ts';
import { createPvcGroup, type PvcClassification, pvcsOfInstance } from './pvcs.ts';
import { buildJob } from './jobs.ts';
import { isActive, isDeleting, isReady, isUnschedulable } from './state.ts';
import { isInitialized, microNow, PHASE, registerPhase } from './status.ts';

/** The lowest serial in [1, n] not in use among the instance names, else n+1 (v1.30 `generateNodeSerial`). */
function nextSerial(pass: Pass, instanceNames: string[]): number {
  const used = new Set(instanceNames.map((n) => serialOf(pass.name, n)));
  for (let i = 1; i <= instanceNames.length; i++) if (!used.has(i)) return i;
  return instanceNames.length + 1;
}

function noteSerial(pass: Pass, serial: number): void {
  pass.status.latestGeneratedNode = Math.max(pass.status.latestGeneratedNode ?? 0, serial);
}

/** status.instances == 0: PVCs, targetPrimary, phase and the initdb Job of instance 1. */
export function createPrimaryInstance(pass: Pass, pvcs: PvcClassification): void {
  if (isInitialized(pass)) {
    registerPhase(pass, PHASE.unrecoverable, 'Found no PVCs for an initialized cluster');
    return;
  }
  const serial = nextSerial(pass, pvcs.instanceNames);
  const name = instanceName(pass.name, serial);
  createPvcGroup(pass, serial);
  noteSerial(pass, serial);
  pass.status.targetPrimary = name;
  pass.status.targetPrimaryTimestamp = microNow(pass);
  registerPhase(pass, PHASE.firstPrimary, `Creating primary instance ${name}`);
  pass.event('Normal', 'CreatingInstance', 'Primary instance (initdb)');
  pass.create(pass.kinds.jobs, buildJob(pass, serial, 'initdb'));
  pass.requeue(1000);
}

/** Recreates the pod of a PVC group no pod or Job uses, under the instance's name; the primary's first. */
export function reattachDanglingPvcs(pass: Pass, pvcs: PvcClassification): boolean {
  const dangling = [...pvcs.danglingInstances].sort((a, b) =>
    a === pass.status.currentPrimary ? -1 : b === pass.status.currentPrimary ? 1 : 0,
  );
  const instance = dangling.find((name) => !pass.pod(name));
  if (!instance) return false;
  const serial = serialOf(pass.name, instance)!;
  pass.create(pass.kinds.pods, buildInstancePod(pass, serial));
  pass.requeue(1000);
  return true;
}

/** One join Job (and its PVCs) for the lowest free serial, when fewer instances exist than asked. */
export function createMissingInstance(pass: Pass, pvcs: PvcClassification): void {
  const serial = nextSerial(pass, pvcs.instanceNames);
  const name = instanceName(pass.name, serial);
  const terminating = [name, walPvcName(name)]
    .map((n) => pass.pvcs.find((p) => p.metadata.name === n))
    .find((p) => p && isDeleting(p));
  if (terminating) {
    registerPhase(
      pass,
      PHASE.creatingReplica,
      `Waiting for PVC "${terminating.metadata.name}" to be removed before recreating instance "${name}"`,
    );
    pass.requeue(1000);
    return;
  }
  const job = jobName(name, 'join');
  // A Job of an earlier incarnation of this instance must go before the new one can be created.
  const stale = pass.jobs.find((j) => j.metadata.name === job);
  if (stale) {
    if (!isDeleting(stale)) pass.delete(pass.kinds.jobs, job, 'Background');
    registerPhase(
      pass,
      PHASE.creatingReplica,
      `Waiting for Job "${job}" to be removed before recreating instance "${name}"`,
    );
    pass.requeue(1000);
    return;
  }
  createPvcGroup(pass, serial);
  noteSerial(pass, serial);
  registerPhase(pass, PHASE.creatingReplica, `Creating replica ${job}`);
  pass.event('Normal', 'CreatingInstance', `Creating instance ${name}`);
  pass.create(pass.kinds.jobs, buildJob(pass, serial, 'join'));
  pass.requeue(1000);
}

/** Deletes an instance: its pod, its PVC group and its Jobs. */
function deleteInstance(pass: Pass, instance: string): void {
  pass.delete(pass.kinds.pods, instance);
  for (const pvc of pvcsOfInstance(pass, instance)) pass.delete(pass.kinds.pvcs, pvc.metadata.name!);
  for (const job of pass.jobs.filter((j) => j.metadata.labels?.[LABEL.instanceName] === instance)) {
    pass.delete(pass.kinds.jobs, job.metadata.name!, 'Background');
  }
}

/** Removes one instance when more exist than asked: a podless one first, else the highest-serial Ready replica. */
export function scaleDown(pass: Pass, pvcs: PvcClassification): void {
  const primary = pass.status.currentPrimary;
  let victim = pvcs.instanceNames.find((n) => !pass.pod(n) && n !== primary);
  if (!victim) {
    victim = pass.pods
      .filter(
        (p) =>
          isActive(p) &&
          isReady(p) &&
          p.metadata.name !== primary &&
          p.metadata.name !== pass.status.targetPrimary,
      )
      .map((p) => p.metadata.name!)
      .sort((a, b) => (serialOf(pass.name, b) ?? 0) - (serialOf(pass.name, a) ?? 0))[0];
  }
  if (!victim) return;
  pass.event('Normal', 'ScaleDown', `Scaling down - removing instance: ${victim}`);
  deleteInstance(pass, victim);
  pass.requeue(1000);
}

/** Pods in phase Succeeded or Failed (an eviction by the kubelet) are deleted, to be recreated. */
export function deleteTerminatedPods(pass: Pass): boolean {
  let acted = false;
  for (const pod of pass.pods) {
    const phase = pod.status?.phase;
    if (isDeleting(pod) || (phase !== 'Failed' && phase !== 'Succeeded')) continue;
    pass.event('Normal', 'DeletePod', `Deleted '${phase}' pod: '${pod.metadata.name}'`);
    pass.delete(pass.kinds.pods, pod.metadata.name!);
    acted = true;
  }
  if (acted) pass.requeue(1000);
  return acted;
}

function isPrimaryInstance(pass: Pass, name: string): boolean {
  return name === pass.status.currentPrimary || name === pass.status.targetPrimary;
}

/**
 * In a maintenance window without PVC reuse, an instance whose pod cannot be scheduled loses its pod
 * and PVCs, to be cloned again elsewhere under the same name.
 */
export function processUnschedulableInstances(pass: Pass): boolean {
  const mw = pass.spec.nodeMaintenanceWindow;
  if (!mw?.inProgress || mw.reusePVC !== false) return false;
  let acted = false;
  for (const pod of pass.pods) {
    const name = pod.metadata.name!;
    if (isDeleting(pod) || !isUnschedulable(pod) || isPrimaryInstance(pass, name)) continue;
    pass.delete(pass.kinds.pods, name);
    pass.event('Normal', 'DeletePod', `Deleted unschedulable pod ${name}`);
    for (const pvc of pvcsOfInstance(pass, name)) pass.delete(pass.kinds.pvcs, pvc.metadata.name!);
    pass.event('Normal', 'DeletePVCs', `Deleted unschedulable pod PVCs ${name}`);
    acted = true;
  }
  if (acted) pass.requeue(1000);
  return acted;
}

/** Pods annotated `alpha.cnpg.io/unrecoverable=true` lose their pod and PVCs (primaries are protected). */
export function deleteUnrecoverableInstances(pass: Pass): boolean {
  let acted = false;
  for (const pod of pass.pods) {
    const name = pod.metadata.name!;
    if (pod.metadata.annotations?.[ANNOTATION.unrecoverable] !== 'true' || isPrimaryInstance(pass, name))
      continue;
    if (isDeleting(pod)) continue;
    deleteInstance(pass, name);
    pass.event(
      'Normal',
      'DeleteUnrecoverableInstance',
      `Deleted unrecoverable instance ${name} (pods and PVCs)`,
    );
    acted = true;
  }
  if (acted) pass.requeue(1000);
  return acted;
}

/**
 * A PGDATA PVC still `initializing` with no Job behind it (the Job was deleted) gets its Job again,
 * as `ensureInstanceBootstrapJob` does: initdb for the first primary, join for the others.
 */
export function ensureBootstrapJobs(pass: Pass): boolean {
  let acted = false;
  for (const pvc of pass.pvcs) {
    if (isDeleting(pvc) || pvc.metadata.labels?.[LABEL.pvcRole] !== 'PG_DATA') continue;
    if (pvc.metadata.annotations?.[ANNOTATION.pvcStatus] !== 'initializing') continue;
    const instance = pvc.metadata.labels?.[LABEL.instanceName];
    const serial = instance ? serialOf(pass.name, instance) : undefined;
    if (!instance || serial === undefined) continue;
    if (pass.jobs.some((j) => j.metadata.labels?.[LABEL.instanceName] === instance)) continue;
    const role = !pass.status.currentPrimary && instance === pass.status.targetPrimary ? 'initdb' : 'join';
    pass.create(pass.kinds.jobs, buildJob(pass, serial, role));
    acted = true;
  }
  if (acted) pass.requeue(1000);
  return acted;
}
