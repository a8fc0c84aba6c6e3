/**
 * The instance-creation Jobs `<cluster>-<serial>-initdb` and `<cluster>-<serial>-join`
 * (pkg/specs/jobs.go): they mount the new instance's PVCs and, once complete, mark its PGDATA PVC
 * `ready`; completed Jobs are deleted with Foreground propagation when the cluster is healthy.
 */
import type { KObject } from '../../api/types.ts';
import {
  ANNOTATION,
  commonLabels,
  DEFAULT_IMAGE,
  instanceName,
  type JobRole,
  jobName,
  LABEL,
} from './naming.ts';
import type { Pass } from './pass.ts';
import { pvcMounts, pvcVolumes, schedulingFields } from './pods.ts';
import { controllerRef, isDeleting, jobCompleted } from './state.ts';

export function buildJob(pass: Pass, serial: number, role: JobRole): KObject {
  const instance = instanceName(pass.name, serial);
  const labels = {
    [LABEL.cluster]: pass.name,
    [LABEL.instanceName]: instance,
    [LABEL.jobRole]: role,
    ...commonLabels(pass.name),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(instance, role),
      namespace: pass.namespace,
      labels,
      ownerReferences: [controllerRef(pass.cluster, true)],
    },
    spec: {
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: role,
              image: pass.spec.imageName ?? DEFAULT_IMAGE,
              command: ['/controller/manager', 'instance', role === 'initdb' ? 'init' : 'join'],
              volumeMounts: pvcMounts(pass),
            },
          ],
          volumes: pvcVolumes(pass, instance),
          ...schedulingFields(pass),
          serviceAccountName: pass.name,
        },
      },
    },
  };
}

/** Annotates the PGDATA PVC of every instance whose creation Job completed as `ready` (MarkPVCReadyForCompletedJobs). */
export function markPvcsReadyForCompletedJobs(pass: Pass): void {
  for (const job of pass.jobs) {
    if (!jobCompleted(job) || isDeleting(job)) continue;
    const instance = job.metadata.labels?.[LABEL.instanceName];
    const pvc = pass.pvcs.find(
      (p) =>
        p.metadata.name === instance && p.metadata.annotations?.[ANNOTATION.pvcStatus] === 'initializing',
    );
    if (!pvc) continue;
    pass.patch(pass.kinds.pvcs, pvc.metadata.name!, {
      metadata: { annotations: { [ANNOTATION.pvcStatus]: 'ready' } },
    });
    pvc.metadata.annotations = { ...pvc.metadata.annotations, [ANNOTATION.pvcStatus]: 'ready' };
  }
}
