/**
 * The primary Lease `<cluster>` (v1.30+, internal/controller/primary_lease.go): the operator
 * creates it owned by the Cluster; the primary's instance manager holds it. The simulated
 * instance manager takes it over when it becomes primary and renews it on the operator's passes
 * (no timer of its own, so renewTime can lag behind a real one while nothing happens).
 */
import { microTimestamp } from '../../api/types.ts';
import { LABEL } from './naming.ts';
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';

const RENEW_EVERY_MS = 2000;

export function reconcilePrimaryLease(pass: Pass): void {
  const rt = pass.kinds.leases;
  if (!rt) return;
  const holder = pass.status.currentPrimary;
  const durations = (pass.spec.primaryLease ?? {}) as { leaseDurationSeconds?: number };
  const now = pass.api.now();
  const existing = pass.api.find(rt, pass.namespace, pass.name);
  if (!existing) {
    const spec: Record<string, unknown> = { leaseDurationSeconds: durations.leaseDurationSeconds ?? 15 };
    if (holder) {
      spec.holderIdentity = holder;
      spec.acquireTime = microTimestamp(now);
      spec.renewTime = microTimestamp(now);
      spec.leaseTransitions = 0;
    }
    pass.create(rt, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: pass.name,
        namespace: pass.namespace,
        labels: { [LABEL.cluster]: pass.name },
        ownerReferences: [controllerRef(pass.cluster, true)],
      },
      spec,
    });
    return;
  }
  if (!holder) return;
  const spec = (existing.spec ?? {}) as {
    holderIdentity?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
  if (spec.holderIdentity !== holder) {
    pass.patch(rt, pass.name, {
      spec: {
        holderIdentity: holder,
        acquireTime: microTimestamp(now),
        renewTime: microTimestamp(now),
        leaseTransitions: spec.holderIdentity
          ? (spec.leaseTransitions ?? 0) + 1
          : (spec.leaseTransitions ?? 0),
      },
    });
    return;
  }
  const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
  if ((now.getTime() - renewed) / pass.runtime.timeScale >= RENEW_EVERY_MS) {
    pass.patch(rt, pass.name, { spec: { renewTime: microTimestamp(now) } });
  }
}
