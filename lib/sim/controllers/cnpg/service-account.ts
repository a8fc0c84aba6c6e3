/** The ServiceAccount `<cluster>` the instance pods run as (pkg/specs/roles.go names Role and binding alike). */
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';
import { LABEL } from './naming.ts';

export function reconcileServiceAccount(pass: Pass): void {
  const rt = pass.kinds.serviceAccounts;
  if (!rt || pass.api.find(rt, pass.namespace, pass.name)) return;
  pass.create(rt, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: pass.name,
      namespace: pass.namespace,
      labels: { [LABEL.cluster]: pass.name },
      ownerReferences: [controllerRef(pass.cluster, true)],
    },
  });
}
