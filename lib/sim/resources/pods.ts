import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { admitPodDefaults, defaultPod } from './pod-defaults.ts';
import { podQosClass } from './pod-qos.ts';
import { validatePodUpdate } from './pod-update.ts';
import { podSpecWarnings, validatePodSpec } from './pod-validation.ts';
import { arr, int, map, obj, str, type Shape } from './shape.ts';

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

interface PodShape {
  spec?: {
    nodeName?: string;
    containers?: unknown[];
    terminationGracePeriodSeconds?: number;
    readinessGates?: unknown[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    nominatedNodeName?: string;
    containerStatuses?: ContainerStatus[];
  };
}

const pod = (o: KObject) => o as unknown as PodShape;

/** The STATUS column of `kubectl get pods`, reduced to what the simulator produces. */
function podStatusText(o: KObject): string {
  const p = pod(o);
  if (o.metadata.deletionTimestamp) return 'Terminating';
  let reason = p.status?.reason || p.status?.phase || 'Pending';
  for (const cs of p.status?.containerStatuses ?? []) {
    const waiting = cs.state?.waiting?.reason;
    const terminated = cs.state?.terminated?.reason;
    if (waiting) reason = waiting;
    else if (terminated) reason = terminated;
  }
  return reason;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    containers: arr(obj({ name: str, image: str })),
    initContainers: arr(obj()),
    nodeName: str,
    nodeSelector: map(),
    tolerations: arr(obj()),
    volumes: arr(obj()),
    readinessGates: arr(obj()),
    terminationGracePeriodSeconds: int,
  }),
  status: obj({
    phase: str,
    conditions: arr(obj({ type: str, status: str })),
    containerStatuses: arr(obj()),
  }),
};

export const pods: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    hasStatus: true,
    returnDeletedObject: true,
    subresources: {
      binding: { kind: 'Binding', verbs: ['create'] },
      eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      log: { kind: 'Pod', verbs: ['get'] },
    },
    fields: {
      'spec.nodeName': fieldAt('spec.nodeName'),
      'spec.restartPolicy': fieldAt('spec.restartPolicy'),
      'spec.schedulerName': fieldAt('spec.schedulerName'),
      'spec.serviceAccountName': fieldAt('spec.serviceAccountName'),
      'spec.hostNetwork': (o) => String(!!(o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork),
      'status.phase': fieldAt('status.phase'),
      'status.podIP': fieldAt('status.podIP'),
      'status.nominatedNodeName': fieldAt('status.nominatedNodeName'),
    },
    prepareForCreate(obj) {
      defaultPod(obj);
      obj.status = { phase: 'Pending', qosClass: podQosClass(obj.spec) };
    },
    admitOnCreate: admitPodDefaults,
    prepareForUpdate: (obj) => defaultPod(obj),
    validate(obj, old) {
      const errors: FieldError[] = validatePodSpec(obj.spec);
      if (old) errors.push(...validatePodUpdate(obj, old));
      return errors;
    },
    warnings: (obj) => podSpecWarnings(obj.spec),
    gracePeriodSeconds(obj, requested) {
      const p = pod(obj);
      // Unscheduled and finished pods go at once, as the real pod strategy decides.
      if (!p.spec?.nodeName) return 0;
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return 0;
      return requested ?? p.spec.terminationGracePeriodSeconds ?? 30;
    },
    columns: [
      {
        name: 'Ready',
        type: 'string',
        description: 'The aggregate readiness state of this pod for accepting traffic.',
        cell: (o) => {
          const p = pod(o);
          const total = p.spec?.containers?.length ?? 0;
          const ready = (p.status?.containerStatuses ?? []).filter((c) => c.ready).length;
          return `${ready}/${total}`;
        },
      },
      {
        name: 'Status',
        type: 'string',
        description: 'The aggregate status of the containers in this pod.',
        cell: podStatusText,
      },
      {
        name: 'Restarts',
        type: 'string',
        description: 'The number of times the containers in this pod have been restarted.',
        cell: (o) =>
          String((pod(o).status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)),
      },
      { name: 'Age', type: 'string', cell: age },
      { name: 'IP', type: 'string', priority: 1, cell: (o) => pod(o).status?.podIP ?? '<none>' },
      { name: 'Node', type: 'string', priority: 1, cell: (o) => pod(o).spec?.nodeName || '<none>' },
      {
        name: 'Nominated Node',
        type: 'string',
        priority: 1,
        cell: (o) => pod(o).status?.nominatedNodeName || '<none>',
      },
      {
        name: 'Readiness Gates',
        type: 'string',
        priority: 1,
        cell: (o) =>
          pod(o).spec?.readinessGates?.length ? String(pod(o).spec!.readinessGates!.length) : '<none>',
      },
    ],
  },
  SHAPE,
);
