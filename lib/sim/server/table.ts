/** Server-side printing: meta.k8s.io/v1 Tables, so `kubectl get` shows the real columns. */
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age } from '../resources/define.ts';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return (
      params.includes('as=Table') &&
      params.includes('g=meta.k8s.io') &&
      params.some((p) => p === 'v=v1' || p === 'v=v1beta1')
    );
  });
}

function columnsOf(rt: ResourceType) {
  return rt.columns ?? [{ name: 'Age', type: 'string' as const, cell: age }];
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** Whether the kind places its own Name column (events print it last; storage classes add "(default)"). */
function ownsNameColumn(rt: ResourceType): boolean {
  return columnsOf(rt).some((c) => c.name === 'Name');
}

export function columnDefinitions(rt: ResourceType) {
  const own = columnsOf(rt).map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? (c.name === 'Name' ? NAME_DESCRIPTION : c.name),
    priority: c.priority ?? 0,
  }));
  if (ownsNameColumn(rt)) return own;
  return [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: NAME_DESCRIPTION,
      priority: 0,
    },
    ...own,
  ];
}

function tableRow(rt: ResourceType, obj: KObject, now: Date, includeObject: string | undefined) {
  const own = columnsOf(rt).map((c) => c.cell(obj, now));
  const cells = ownsNameColumn(rt) ? own : [obj.metadata.name ?? '', ...own];
  const object =
    includeObject === 'Object'
      ? obj
      : includeObject === 'None'
        ? undefined
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return object ? { cells, object } : { cells };
}

export function toTable(
  rt: ResourceType,
  objects: KObject[],
  meta: { resourceVersion: string; continue?: string },
  now: Date,
  includeObject?: string,
  withColumns = true,
) {
  const table: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
  };
  if (withColumns) table.columnDefinitions = columnDefinitions(rt);
  else table.columnDefinitions = null;
  table.rows = objects.map((o) => tableRow(rt, o, now, includeObject));
  return table;
}
