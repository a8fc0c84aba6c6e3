import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { templateContainers, templateImages } from './format.ts';
import { defaultTemplate } from './replicated.ts';

interface ControllerShape {
  metadata: { labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  status?: { replicas?: number; readyReplicas?: number };
}

const rc = (o: KObject) => o as unknown as ControllerShape;

/**
 * core/v1's defaults (SetDefaults_ReplicationController): the selector and the object's labels
 * default to the template's labels, replicas to 1, and the template gets the pod defaults.
 */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as NonNullable<ControllerShape['spec']> & Record<string, unknown>;
  const labels = spec.template?.metadata?.labels;
  if (labels && Object.keys(labels).length > 0) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = rc(o).metadata;
    if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
  }
  spec.replicas ??= 1;
  if (spec.template) defaultTemplate(spec);
  o.spec = spec;
}

/**
 * core/v1 ReplicationController: served (stored, defaulted, listed, discoverable) as kube-apiserver
 * serves it, so clients that enumerate core kinds work (kubectl apply --prune's default allowlist
 * lists them). No replication manager runs: an RC here creates no pods.
 */
export const replicationcontrollers: ResourceType = builtIn({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  shortNames: ['rc'],
  categories: ['all'],
  hasStatus: true,
  prepareForCreate(o) {
    defaults(o);
    o.status = { replicas: 0 };
  },
  prepareForUpdate: (o) => defaults(o),
  columns: [
    { name: 'Desired', type: 'integer', cell: (o) => rc(o).spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => rc(o).status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => rc(o).status?.readyReplicas ?? 0 },
    { name: 'Age', type: 'string', cell: age },
    { name: 'Containers', type: 'string', priority: 1, cell: templateContainers },
    { name: 'Images', type: 'string', priority: 1, cell: templateImages },
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (o) =>
        Object.entries(rc(o).spec?.selector ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
    },
  ],
});
