/**
 * The PodDisruptionBudgets (pkg/specs/poddisruptionbudget.go, reconcilePodDisruptionBudget):
 * `<cluster>-primary` (minAvailable 1 over the primary) and `<cluster>` (minAvailable instances-2
 * over the replicas, from 3 instances), with the enablePDB and nodeMaintenanceWindow rules.
 */
import type { KObject } from '../../api/types.ts';
import { LABEL, pdbNames } from './naming.ts';
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';
import type { ClusterSpec } from './types.ts';

export interface WantedPdbs {
  primary: boolean;
  replicas: boolean;
}

/** Which PDBs the operator keeps for a (defaulted) spec. */
function wantedPdbs(spec: ClusterSpec): WantedPdbs {
  const instances = spec.instances ?? 1;
  const enabled = spec.enablePDB !== false;
  const maintenanceReusingPvcs =
    !!spec.nodeMaintenanceWindow?.inProgress && spec.nodeMaintenanceWindow.reusePVC !== false;
  return {
    primary: enabled && !(maintenanceReusingPvcs && instances === 1),
    replicas: enabled && instances >= 3 && !maintenanceReusingPvcs,
  };
}

function buildPdb(pass: Pass, name: string, role: 'primary' | 'replica', minAvailable: number): KObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name,
      namespace: pass.namespace,
      labels: { [LABEL.cluster]: pass.name },
      ownerReferences: [controllerRef(pass.cluster, true)],
    },
    spec: {
      minAvailable,
      selector: { matchLabels: { [LABEL.cluster]: pass.name, [LABEL.instanceRole]: role } },
    },
  };
}

function ensure(pass: Pass, name: string, want: KObject | undefined): void {
  const rt = pass.kinds.pdbs!;
  const existing = pass.api.find(rt, pass.namespace, name);
  if (!want) {
    if (existing) pass.delete(rt, name);
    return;
  }
  if (!existing) pass.create(rt, want);
  else if (
    JSON.stringify(existing.spec) !==
    JSON.stringify({ ...(existing.spec as object), ...(want.spec as object) })
  ) {
    pass.patch(rt, name, { spec: want.spec as Record<string, unknown> });
  }
}

export function reconcilePdbs(pass: Pass): void {
  if (!pass.kinds.pdbs) return;
  const wanted = wantedPdbs(pass.spec);
  const names = pdbNames(pass.name);
  ensure(pass, names.primary, wanted.primary ? buildPdb(pass, names.primary, 'primary', 1) : undefined);
  const instances = pass.spec.instances ?? 1;
  ensure(
    pass,
    names.replicas,
    wanted.replicas ? buildPdb(pass, names.replicas, 'replica', instances - 2) : undefined,
  );
}
