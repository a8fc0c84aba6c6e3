import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, bool, obj, str, type Shape } from './shape.ts';

interface NodeShape {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: {
      kubeletVersion?: string;
      osImage?: string;
      kernelVersion?: string;
      containerRuntimeVersion?: string;
    };
  };
}

const node = (o: KObject) => o as unknown as NodeShape;

function statusText(o: KObject): string {
  const ready = node(o).status?.conditions?.find((c) => c.type === 'Ready');
  let text = !ready
    ? 'Unknown'
    : ready.status === 'True'
      ? 'Ready'
      : ready.status === 'False'
        ? 'NotReady'
        : 'Unknown';
  if (node(o).spec?.unschedulable) text += ',SchedulingDisabled';
  return text;
}

function roles(o: KObject): string {
  const out = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r.length > 0);
  return out.length ? out.sort().join(',') : '<none>';
}

const address = (type: string) => (o: KObject) =>
  node(o).status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({ unschedulable: bool, taints: arr(obj()) }),
  status: obj({ conditions: arr(obj({ type: str, status: str })), addresses: arr(obj()), nodeInfo: obj() }),
};

export const nodes: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    hasGeneration: false,
    shortNames: ['no'],
    hasStatus: true,
    fields: { 'spec.unschedulable': (o) => String(!!node(o).spec?.unschedulable) },
    columns: [
      { name: 'Status', type: 'string', description: 'The status of the node', cell: statusText },
      { name: 'Roles', type: 'string', description: 'The roles of the node', cell: roles },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Version', type: 'string', cell: (o) => node(o).status?.nodeInfo?.kubeletVersion ?? '' },
      { name: 'Internal-IP', type: 'string', priority: 1, cell: address('InternalIP') },
      { name: 'External-IP', type: 'string', priority: 1, cell: address('ExternalIP') },
      {
        name: 'OS-Image',
        type: 'string',
        priority: 1,
        cell: (o) => node(o).status?.nodeInfo?.osImage ?? '<unknown>',
      },
      {
        name: 'Kernel-Version',
        type: 'string',
        priority: 1,
        cell: (o) => node(o).status?.nodeInfo?.kernelVersion ?? '<unknown>',
      },
      {
        name: 'Container-Runtime',
        type: 'string',
        priority: 1,
        cell: (o) => node(o).status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>',
      },
    ],
  },
  SHAPE,
);
