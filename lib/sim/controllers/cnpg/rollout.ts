/**
 * Rolling updates (internal/controller/cluster_upgrade.go): when the pod an instance would get
 * now differs from the one it runs (a new image, changed scheduling…), replicas are recreated one
 * at a time, then the primary as primaryUpdateStrategy and primaryUpdateMethod say: a switchover
 * to a replica, a restart without switchover, or waiting for the user (supervised).
 */
import { ANNOTATION, serialOf } from './naming.ts';
import type { Pass } from './pass.ts';
import { buildInstancePod } from './pods.ts';
import { isDeleting } from './state.ts';
import { microNow, PHASE, registerPhase } from './status.ts';
import type { InstanceReport } from './instance-manager.ts';
import type { PodShape } from './types.ts';

export const PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER =
  'Primary instance is being restarted without a switchover';

function imageOf(spec: unknown): string | undefined {
  return (spec as { containers?: { name: string; image?: string }[] } | undefined)?.containers?.find(
    (c) => c.name === 'postgres',
  )?.image;
}

/** Why a pod needs to be recreated, or undefined when it matches what the operator would build now. */
function rolloutReason(pass: Pass, pod: PodShape): string | undefined {
  const serial = serialOf(pass.name, pod.metadata.name!);
  if (serial === undefined) return undefined;
  const desired = buildInstancePod(pass, serial).metadata.annotations?.[ANNOTATION.podSpec];
  const current = pod.metadata.annotations?.[ANNOTATION.podSpec];
  if (!desired || !current || desired === current) return undefined;
  const before = imageOf(JSON.parse(current));
  const after = imageOf(JSON.parse(desired));
  if (before !== after) return `the instance is using a different image: ${before} -> ${after}`;
  return 'the instance pod spec has changed';
}

/** One step of a rolling update; true when it acted (the pass stops there). */
export function rollingUpdate(pass: Pass, reports: InstanceReport[]): boolean {
  const primary = pass.status.currentPrimary;
  const stale = pass.pods
    .filter((p) => !isDeleting(p))
    .map((pod) => ({ pod, reason: rolloutReason(pass, pod) }))
    .filter((x): x is { pod: PodShape; reason: string } => x.reason !== undefined);
  if (stale.length === 0) return false;
  const replicas = stale
    .filter((x) => x.pod.metadata.name !== primary)
    .sort(
      (a, b) =>
        (serialOf(pass.name, b.pod.metadata.name!) ?? 0) - (serialOf(pass.name, a.pod.metadata.name!) ?? 0),
    );
  const next = replicas[0];
  if (next) {
    registerPhase(
      pass,
      PHASE.upgrade,
      `Restarting instance ${next.pod.metadata.name}, because: ${next.reason}`,
    );
    pass.delete(pass.kinds.pods, next.pod.metadata.name!);
    pass.requeue(1000);
    return true;
  }
  const primaryUpdate = stale.find((x) => x.pod.metadata.name === primary);
  if (!primaryUpdate) return false;
  if (pass.spec.primaryUpdateStrategy === 'supervised') {
    registerPhase(pass, PHASE.waitingForUser, 'User must issue a supervised switchover');
    return true;
  }
  if (pass.spec.primaryUpdateMethod === 'switchover') {
    const target = reports.find((r) => !r.error && !r.isPrimary && r.name !== primary);
    if (!target) {
      pass.requeue(5000);
      return true;
    }
    registerPhase(pass, PHASE.upgrade, `Switching over to ${target.name} to upgrade the primary`);
    pass.status.targetPrimary = target.name;
    pass.status.targetPrimaryTimestamp = microNow(pass);
    pass.requeue(1000);
    return true;
  }
  registerPhase(
    pass,
    PHASE_PRIMARY_RESTART_WITHOUT_SWITCHOVER,
    `Restarting instance ${primary}, because: ${primaryUpdate.reason}`,
  );
  pass.delete(pass.kinds.pods, primary!);
  pass.requeue(1000);
  return true;
}
