/**
 * Role labels (`role` and `cnpg.io/instanceRole`) on instance pods and PVCs
 * (pkg/reconciler/instance/metadata.go, persistentvolumeclaim/metadata.go), and the `unhealthy`
 * label the old primary carries while a failover or switchover is in progress (replicas.go).
 */
import type { KObject } from '../../api/types.ts';
import { type InstanceRole, LABEL } from './naming.ts';
import type { Pass } from './pass.ts';
import { instanceOfPvc } from './pvcs.ts';
import { isActive } from './state.ts';

function setRole(pass: Pass, obj: KObject, role: InstanceRole, kind: 'pod' | 'pvc'): void {
  const labels = obj.metadata.labels ?? {};
  if (labels[LABEL.role] === role && labels[LABEL.instanceRole] === role) return;
  const rt = kind === 'pod' ? pass.kinds.pods : pass.kinds.pvcs;
  pass.patch(rt, obj.metadata.name!, {
    metadata: { labels: { [LABEL.role]: role, [LABEL.instanceRole]: role } },
  });
  obj.metadata.labels = { ...labels, [LABEL.role]: role, [LABEL.instanceRole]: role };
}

/** While currentPrimary != targetPrimary, the old primary is labelled `unhealthy` on every pass. */
export function markOldPrimaryUnhealthy(pass: Pass): void {
  const old = pass.pod(pass.status.currentPrimary);
  if (old) setRole(pass, old, 'unhealthy', 'pod');
}

/** Active pods get `primary` or `replica` once a primary is known; PVCs mirror their instance's role. */
export function reconcileRoleLabels(pass: Pass): void {
  const primary = pass.status.currentPrimary;
  if (!primary) return;
  for (const pod of pass.pods) {
    if (!isActive(pod)) continue;
    setRole(pass, pod, pod.metadata.name === primary ? 'primary' : 'replica', 'pod');
  }
  for (const pvc of pass.pvcs) {
    const instance = instanceOfPvc(pvc);
    if (!instance || pvc.metadata.deletionTimestamp) continue;
    setRole(pass, pvc, instance === primary ? 'primary' : 'replica', 'pvc');
  }
}
