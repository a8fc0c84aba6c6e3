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
    hasStatus: true,
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
    validate(obj) {
      const name = obj.metadata.name ?? '';
      if (name && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
        return [
          {
            type: 'FieldValueInvalid',
            field: 'metadata.name',
            value: name,
            detail:
              "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
          },
        ];
      }
      return [];
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
