/**
 * The Cluster status as the operator computes it (internal/controller/cluster_status.go,
 * api/v1/base_funcs.go): phases with their exact strings, the Ready and Initialized conditions,
 * and the instance and PVC accounting of `updateResourceStatus`.
 */
import { timestamp } from '../../api/types.ts';
import { instancesSelector, serialOf, serviceNames, DEFAULT_IMAGE } from './naming.ts';
import type { Pass } from './pass.ts';
import type { PvcClassification } from './pvcs.ts';
import { isActive, isDeleting, isReady } from './state.ts';
import type { ClusterCondition } from './types.ts';

/** The phase strings of api/v1/cluster_types.go. */
export const PHASE = {
  healthy: 'Cluster in healthy state',
  firstPrimary: 'Setting up primary',
  creatingReplica: 'Creating a new replica',
  waitingForInstances: 'Waiting for the instances to become active',
  failOver: 'Failing over',
  switchover: 'Switchover in progress',
  upgrade: 'Upgrading cluster',
  waitingForUser: 'Waiting for user action',
  unrecoverable: 'Cluster is unrecoverable and needs manual intervention',
  cannotCreateObjects: 'Unable to create required cluster objects',
  definitionInvalid: 'Invalid cluster definition',
} as const;

/** targetPrimary during the first step of a failover (apiv1.PendingFailoverMarker). */
export const PENDING_FAILOVER_MARKER = 'pending';

/** RFC3339 with microseconds, as the operator writes primary timestamps. */
export function microNow(pass: Pass): string {
  return `${pass.api.now().toISOString().slice(0, 23)}000Z`;
}

function setCondition(
  pass: Pass,
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
): void {
  const conditions = [...(pass.status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === type);
  const previous = i >= 0 ? conditions[i] : undefined;
  const next: ClusterCondition = {
    type,
    status,
    reason,
    message,
    lastTransitionTime:
      previous && previous.status === status ? previous.lastTransitionTime : timestamp(pass.api.now()),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  pass.status.conditions = conditions;
}

/** RegisterPhase: the phase, its reason, and the Ready condition that follows the phase. */
export function registerPhase(pass: Pass, phase: string, reason: string): void {
  pass.status.phase = phase;
  if (reason) pass.status.phaseReason = reason;
  else delete pass.status.phaseReason;
  if (phase === PHASE.healthy) setCondition(pass, 'Ready', 'True', 'ClusterIsReady', 'Cluster is Ready');
  else setCondition(pass, 'Ready', 'False', 'ClusterIsNotReady', 'Cluster Is Not Ready');
}

/** Instance pods as `instancesStatus` groups them; pods being deleted are left out. */
function instancesStatus(pass: Pass): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (key: string, name: string) => {
    out[key] = [...(out[key] ?? []), name];
  };
  for (const pod of pass.pods) {
    if (isDeleting(pod)) continue;
    if (isActive(pod) && isReady(pod)) add('healthy', pod.metadata.name!);
    else if (isActive(pod)) add('replicating', pod.metadata.name!);
    else add('failed', pod.metadata.name!);
  }
  return out;
}

/** Pods that are active and Ready: what the operator counts as reporting instances. */
export function reportingPods(pass: Pass): number {
  return pass.pods.filter((p) => isActive(p) && isReady(p)).length;
}

export function updateResourceStatus(pass: Pass, pvcs: PvcClassification): void {
  const s = pass.status;
  s.instances = pvcs.instanceNames.length;
  s.instanceNames = pvcs.instanceNames;
  s.readyInstances = reportingPods(pass);
  s.instancesStatus = instancesStatus(pass);
  const lists: [keyof typeof s, string[]][] = [
    ['healthyPVC', pvcs.healthy],
    ['danglingPVC', pvcs.dangling],
    ['initializingPVC', pvcs.initializing],
    ['unusablePVC', pvcs.unusable],
  ];
  for (const [key, list] of lists) {
    if (list.length) s[key] = list;
    else delete s[key];
  }
  s.pvcCount = pass.pvcs.filter((p) => !isDeleting(p)).length;
  s.jobCount = pass.jobs.length;
  s.writeService = serviceNames(pass.name).rw;
  s.readService = serviceNames(pass.name).r;
  s.selector = instancesSelector(pass.name);
  s.image = pass.spec.imageName ?? DEFAULT_IMAGE;
  const maxSerial = Math.max(0, ...pvcs.instanceNames.map((n) => serialOf(pass.name, n) ?? 0));
  s.latestGeneratedNode = Math.max(s.latestGeneratedNode ?? 0, maxSerial);
  const scheduled = pass.pods.filter((p) => !isDeleting(p) && p.spec?.nodeName);
  s.topology = {
    instances: Object.fromEntries(scheduled.map((p) => [p.metadata.name!, {}])),
    nodesUsed: new Set(scheduled.map((p) => p.spec!.nodeName)).size,
    successfullyExtracted: true,
  };
  if (s.instances > 0)
    setCondition(pass, 'Initialized', 'True', 'BootstrapCompleted', 'Cluster has been bootstrapped');
  else if (!pass.status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True')) {
    setCondition(pass, 'Initialized', 'False', 'BootstrapPending', 'Cluster has not been bootstrapped yet');
  }
  // A target that is not an active pod is abandoned for the current primary (a failover's marker excepted).
  const target = s.targetPrimary;
  if (s.currentPrimary && target && target !== PENDING_FAILOVER_MARKER) {
    const pod = pass.pod(target);
    if (!pod || !isActive(pod)) {
      s.targetPrimary = s.currentPrimary;
      s.targetPrimaryTimestamp = microNow(pass);
    }
  }
}

export function isInitialized(pass: Pass): boolean {
  return (
    !!pass.original.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ||
    (pass.original.latestGeneratedNode ?? 0) > 0
  );
}
