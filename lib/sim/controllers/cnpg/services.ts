/** The `-rw`, `-ro` and `-r` Services (pkg/specs/services.go): ClusterIP, port `postgres` 5432. */
import type { KObject } from '../../api/types.ts';
import { commonLabels, LABEL, serviceNames } from './naming.ts';
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';

function buildService(pass: Pass, name: string, selector: Record<string, string>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: pass.namespace,
      labels: { [LABEL.cluster]: pass.name, ...commonLabels(pass.name) },
      ownerReferences: [controllerRef(pass.cluster, true)],
    },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: 'postgres', port: 5432, protocol: 'TCP', targetPort: 5432 }],
      selector,
    },
  };
}

export function reconcileServices(pass: Pass): void {
  const rt = pass.kinds.services;
  if (!rt) return;
  const names = serviceNames(pass.name);
  const wanted: [string, Record<string, string>][] = [
    [names.rw, { [LABEL.cluster]: pass.name, [LABEL.instanceRole]: 'primary' }],
    [names.ro, { [LABEL.cluster]: pass.name, [LABEL.instanceRole]: 'replica' }],
    [names.r, { [LABEL.cluster]: pass.name, [LABEL.podRole]: 'instance' }],
  ];
  for (const [name, selector] of wanted) {
    if (!pass.api.find(rt, pass.namespace, name)) pass.create(rt, buildService(pass, name, selector));
  }
}
