import type { ResourceType } from '../api/resource.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { arr, obj, str, type Shape } from './shape.ts';

interface NamespaceStatus {
  phase?: string;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = { spec: obj({ finalizers: arr(str) }), status: obj({ phase: str }) };

export const namespaces: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    hasGeneration: false,
    returnDeletedObject: true,
    shortNames: ['ns'],
    nameRule: 'label',
    // No deletecollection: kube-apiserver does not serve it for namespaces.
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    hasStatus: true,
    // Its strategy keeps spec.finalizers on updates: only PUT …/finalize changes them.
    keptOnUpdate: ['spec'],
    subresources: { finalize: { kind: 'Namespace', verbs: ['update'] } },
    fields: { 'status.phase': fieldAt('status.phase') },
    // spec.finalizers (["kubernetes"]) keep a deleted namespace, Terminating, until PUT finalize clears them.
    retainOnDelete: (obj) =>
      ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0,
    prepareForDelete(obj) {
      obj.status = { ...(obj.status as NamespaceStatus | undefined), phase: 'Terminating' };
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Active' };
      const spec = (obj.spec ?? {}) as { finalizers?: string[] };
      obj.spec = { ...spec, finalizers: spec.finalizers ?? ['kubernetes'] };
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
    },
    prepareForUpdate(obj) {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
    },
    columns: [
      {
        name: 'Status',
        type: 'string',
        description: 'The status of the namespace',
        cell: (o) => (o.status as NamespaceStatus | undefined)?.phase ?? '',
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
