/**
 * CustomResourceDefinitions: creating or updating one serves its versions (discovery, REST, tables
 * from additionalPrinterColumns, status and scale subresources); deleting it stops serving them and
 * removes their objects. The registry follows the stored CRDs through a store subscription, so it
 * changes within the write that changed the CRD, as a client would expect from the real server.
 */
import type { Api } from '../api/api.ts';
import { conflict, type FieldError, invalid } from '../api/errors.ts';
import { resourceKey, type ResourceType, type TableColumn } from '../api/resource.ts';
import { isPlainObject, type KObject, timestamp } from '../api/types.ts';
import { celErrors } from './crd-cel.ts';
import { pruneAndDefault, type Schema, unknownFields, validateSchema } from './crd-schema.ts';
import { builtIn, humanDuration } from './define.ts';
import { readPath, writePath } from './jsonpath.ts';
import { arr, bool, int, obj, type Shape, str } from './shape.ts';

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: {
    status?: Record<string, never>;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: {
    name: string;
    type: string;
    jsonPath: string;
    description?: string;
    format?: string;
    priority?: number;
  }[];
}

export interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

const crdSpec = (o: KObject) => (o.spec ?? {}) as CrdSpec;

function defaultNames(spec: CrdSpec): void {
  // JSON nulls in the version list decode as empty versions, which validation then names.
  if (Array.isArray(spec.versions))
    spec.versions = spec.versions.map((v) => (isPlainObject(v) ? v : ({} as CrdVersion)));
  if (!isPlainObject(spec.names)) return;
  spec.names.singular ??= spec.names.kind?.toLowerCase();
  spec.names.listKind ??= spec.names.kind ? `${spec.names.kind}List` : undefined;
}

function crdStatus(obj: KObject, now: Date, old?: KObject): Record<string, unknown> {
  const spec = crdSpec(obj);
  const when = timestamp(now);
  const previous = (
    old?.status as { conditions?: { type: string; lastTransitionTime?: string }[] } | undefined
  )?.conditions;
  const since = (type: string) => previous?.find((c) => c.type === type)?.lastTransitionTime ?? when;
  const storage = spec.versions.find((v) => v.storage)?.name;
  const stored = new Set<string>(
    ((old?.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []).concat(
      storage ? [storage] : [],
    ),
  );
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: since('NamesAccepted'),
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: { ...spec.names },
    storedVersions: [...stored],
  };
}

function validateCrd(obj: KObject): FieldError[] {
  const spec = crdSpec(obj);
  const errors: FieldError[] = [];
  if (!spec.group) errors.push({ type: 'FieldValueRequired', field: 'spec.group' });
  else if (!spec.group.includes('.')) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.group',
      value: spec.group,
      detail: 'should be a domain with at least one dot',
    });
  }
  if (!spec.names?.plural) errors.push({ type: 'FieldValueRequired', field: 'spec.names.plural' });
  if (!spec.names?.kind) errors.push({ type: 'FieldValueRequired', field: 'spec.names.kind' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.scope',
      value: spec.scope ?? '',
      detail: 'supported values: "Cluster", "Namespaced"',
    });
  }
  if (spec.group && spec.names?.plural && obj.metadata.name !== `${spec.names.plural}.${spec.group}`) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: obj.metadata.name,
      detail: 'must be spec.names.plural+"."+spec.group',
    });
  }
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      value: spec.versions ?? null,
      detail: 'must have exactly one version marked as storage version',
    });
    return errors;
  }
  if (spec.versions.filter((v) => v.storage).length !== 1) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      value: spec.versions.map((v) => v.name),
      detail: 'must have exactly one version marked as storage version',
    });
  }
  spec.versions.forEach((v, i) => {
    if (!v.name) errors.push({ type: 'FieldValueRequired', field: `spec.versions[${i}].name` });
    if (!v.schema?.openAPIV3Schema) {
      errors.push({
        type: 'FieldValueRequired',
        field: `spec.versions[${i}].schema.openAPIV3Schema`,
        detail: 'schemas are required',
      });
    }
  });
  return errors;
}

/** The fields the CRD hooks read, with their JSON types (a wrong type is the real 400). */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    group: str,
    scope: str,
    names: obj({
      plural: str,
      singular: str,
      kind: str,
      listKind: str,
      shortNames: arr(str),
      categories: arr(str),
    }),
    versions: arr(
      obj({
        name: str,
        served: bool,
        storage: bool,
        schema: obj({ openAPIV3Schema: obj() }),
        subresources: obj({
          status: obj(),
          scale: obj({ specReplicasPath: str, statusReplicasPath: str, labelSelectorPath: str }),
        }),
        additionalPrinterColumns: arr(
          obj({ name: str, type: str, jsonPath: str, description: str, format: str, priority: int }),
        ),
      }),
    ),
  }),
};

export const customresourcedefinitions: ResourceType = builtIn(
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    hasStatus: true,
    prepareForCreate(obj, ctx) {
      defaultNames(crdSpec(obj));
      obj.spec = {
        ...crdSpec(obj),
        conversion: (obj.spec as { conversion?: unknown } | undefined)?.conversion ?? { strategy: 'None' },
      };
      if (Array.isArray(crdSpec(obj).versions)) obj.status = crdStatus(obj, ctx.now);
    },
    prepareForUpdate(obj, old, ctx) {
      defaultNames(crdSpec(obj));
      if (Array.isArray(crdSpec(obj).versions)) obj.status = crdStatus(obj, ctx.now, old);
    },
    validate: (obj) => validateCrd(obj),
    columns: [
      {
        name: 'Created At',
        type: 'date',
        description: 'Date and time of creation',
        cell: (o) => o.metadata.creationTimestamp ?? '',
      },
    ],
  },
  SHAPE,
);

/** A printer column cell as the apiextensions table convertor renders it. */
function cellOf(type: string, jsonPath: string) {
  return (o: KObject, now: Date): string | number | boolean | null => {
    const value = readPath(o, jsonPath);
    if (value === undefined || value === null) return null;
    switch (type) {
      case 'integer':
        return typeof value === 'number' ? Math.trunc(value) : null;
      case 'number':
        return typeof value === 'number' ? value : null;
      case 'boolean':
        return typeof value === 'boolean' ? value : null;
      case 'date': {
        if (typeof value !== 'string') return null;
        const t = Date.parse(value);
        return Number.isNaN(t) ? '<invalid>' : humanDuration(Math.max(0, now.getTime() - t));
      }
      default:
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  };
}

function columnsOf(version: CrdVersion): TableColumn[] {
  const declared = version.additionalPrinterColumns ?? [];
  if (declared.length === 0) {
    return [{ name: 'Age', type: 'date', cell: cellOf('date', '.metadata.creationTimestamp') }];
  }
  return declared.map((c) => ({
    name: c.name,
    type: (['string', 'integer', 'number', 'boolean', 'date'].includes(c.type)
      ? c.type
      : 'string') as TableColumn['type'],
    format: c.format,
    description: c.description,
    priority: c.priority,
    cell: cellOf(c.type, c.jsonPath),
  }));
}

/**
 * Where a CRD's objects live: one key per group and plural, whatever the version, like the real
 * server's etcd key, so changing the storage version keeps the objects.
 */
function customStorageKey(spec: CrdSpec): string {
  return resourceKey({ group: spec.group, version: '*', plural: spec.names.plural });
}

/** Schema errors that stop the x-kubernetes-validations rules from running. */
const BLOCKING = new Set<FieldError['type']>([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTypeInvalid',
]);

const RULES_NOT_CHECKED: FieldError = {
  type: 'FieldValueInvalid',
  field: '<nil>',
  value: null,
  detail:
    'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/** Whether a schema holds any x-kubernetes-validations rule, at any depth. */
function hasRules(schema: unknown): boolean {
  if (!isPlainObject(schema)) return Array.isArray(schema) && schema.some(hasRules);
  const rules = schema['x-kubernetes-validations'];
  if (Array.isArray(rules) && rules.length > 0) return true;
  return Object.values(schema).some((v) => typeof v === 'object' && v !== null && hasRules(v));
}

/** Go's %T of a decoded JSON value. */
function goTypeOf(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
}

/** The scale subresource's check of specReplicasPath on every write (an int64 from 0 to 2^31-1). */
function scaleSpecErrors(obj: KObject, scale: ScalePaths | undefined): FieldError[] {
  if (!scale) return [];
  const path = scale.specReplicasPath;
  const value = readPath(obj, path);
  if (value === undefined || value === null) return [];
  if (goTypeOf(value) !== 'int64') {
    const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return [
      {
        type: 'FieldValueInvalid',
        field: path,
        value: 0,
        detail: `${path.startsWith('.') ? path : `.${path}`} accessor error: ${shown} is of the type ${goTypeOf(value)}, expected int64`,
      },
    ];
  }
  const n = value as number;
  if (n < 0)
    return [{ type: 'FieldValueInvalid', field: path, value: n, detail: 'should be a non-negative integer' }];
  if (n > 2 ** 31 - 1)
    return [
      {
        type: 'FieldValueInvalid',
        field: path,
        value: n,
        detail: `should be less than or equal to ${2 ** 31 - 1}`,
      },
    ];
  return [];
}

/** The resource types a CRD serves, one per served version; all share the same stored objects. */
function customResourceTypes(crd: KObject): ResourceType[] {
  const spec = crdSpec(crd);
  const storageKey = customStorageKey(spec);
  return spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const apiVersion = `${spec.group}/${v.name}`;
      const schema = v.schema?.openAPIV3Schema as Schema | undefined;
      // Looked for once per version, not on every write: CloudNativePG's schema is hundreds of KB.
      const withRules = hasRules(schema);
      const rt: ResourceType = {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        listKind: spec.names.listKind,
        shortNames: spec.names.shortNames,
        categories: spec.names.categories,
        hasStatus: !!v.subresources?.status,
        strategicMerge: false,
        custom: true,
        schema: v.schema?.openAPIV3Schema,
        // Pruning, defaulting and schema validation, as the real server applies them on every write.
        prepareForCreate: (obj) => {
          pruneAndDefault(obj, schema);
        },
        prepareForUpdate: (obj) => {
          pruneAndDefault(obj, schema);
        },
        validate: (obj, old) => {
          const errors = [...validateSchema(obj, schema), ...scaleSpecErrors(obj, v.subresources?.scale)];
          if (!withRules) return errors;
          // The rules run only on an object without blocking errors (apiextensions' hasBlockingErr).
          if (errors.some((e) => BLOCKING.has(e.type))) return [...errors, RULES_NOT_CHECKED];
          return [...errors, ...celErrors(obj, old, schema)];
        },
        unknownFields: (obj) => unknownFields(obj, schema),
        columns: columnsOf(v),
        storageKey,
        convert: (stored) => (stored.apiVersion === apiVersion ? stored : { ...stored, apiVersion }),
      };
      if (v.subresources?.scale) {
        rt.subresources = {
          scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
        };
      }
      return rt;
    });
}

type ScalePaths = NonNullable<NonNullable<CrdVersion['subresources']>['scale']>;

function scaleOf(obj: KObject, paths: ScalePaths): KObject {
  const selector = paths.labelSelectorPath ? readPath(obj, paths.labelSelectorPath) : undefined;
  const replicas = readPath(obj, paths.specReplicasPath);
  const status: Record<string, unknown> = {
    replicas: (readPath(obj, paths.statusReplicasPath) as number | undefined) ?? 0,
  };
  if (typeof selector === 'string' && selector) status.selector = selector;
  const meta: KObject['metadata'] = {
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
    creationTimestamp: obj.metadata.creationTimestamp,
  };
  if (meta.namespace === undefined) delete meta.namespace;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: meta,
    spec: { replicas: replicas ?? 0 },
    status,
  };
}

/** Serves CRDs: keeps the registry and the scale handlers in step with the stored CRDs. */
export function serveCustomResources(api: Api): () => void {
  const servedBy = new Map<string, ResourceType[]>();
  const scalePaths = new Map<string, ScalePaths>();

  const unserve = (crdName: string, keep: Set<string>) => {
    for (const rt of servedBy.get(crdName) ?? []) {
      const key = `${rt.group}/${rt.version}/${rt.plural}`;
      if (!keep.has(key)) api.registry.remove(rt.group, rt.version, rt.plural);
    }
  };

  const serve = (crd: KObject) => {
    const spec = crdSpec(crd);
    const types = customResourceTypes(crd);
    unserve(crd.metadata.name!, new Set(types.map((rt) => `${rt.group}/${rt.version}/${rt.plural}`)));
    for (const rt of types) api.registry.add(rt);
    servedBy.set(crd.metadata.name!, types);
    for (const v of spec.versions) {
      const key = `${spec.group}/${v.name}/${spec.names.plural}`;
      if (v.subresources?.scale) scalePaths.set(key, v.subresources.scale);
      else scalePaths.delete(key);
    }
    if (types.some((rt) => rt.subresources?.scale)) {
      api.handleSubresource(spec.group, spec.names.plural, 'scale', {
        get(a, rt, namespace, name) {
          const paths = scalePaths.get(`${rt.group}/${rt.version}/${rt.plural}`);
          return scaleOf(a.get(rt, namespace, name), paths!);
        },
        update(a, rt, namespace, name, body, ctx) {
          const paths = scalePaths.get(`${rt.group}/${rt.version}/${rt.plural}`)!;
          const current = a.get(rt, namespace, name);
          const replicas = (body?.spec as { replicas?: unknown } | undefined)?.replicas;
          if (!Number.isInteger(replicas) || (replicas as number) < 0) {
            throw invalid('Scale', 'autoscaling', name, [
              {
                type: 'FieldValueInvalid',
                field: 'spec.replicas',
                value: replicas ?? null,
                detail: 'must be greater than or equal to 0',
              },
            ]);
          }
          const rv = body?.metadata?.resourceVersion;
          if (rv && rv !== current.metadata.resourceVersion) {
            throw conflict(
              { group: rt.group, resource: rt.plural },
              name,
              'the object has been modified; please apply your changes to the latest version and try again',
            );
          }
          const next = structuredClone(current) as Record<string, unknown> & KObject;
          writePath(next, paths.specReplicasPath, replicas);
          return scaleOf(a.update(rt, namespace, name, next, ctx), paths);
        },
      });
    }
  };

  const crds = api.registry.find(customresourcedefinitions.group, customresourcedefinitions.plural);
  if (!crds) throw new Error('serveCustomResources: the CustomResourceDefinition resource is not registered');
  for (const crd of api.store.list(resourceKey(crds))) serve(crd);
  return api.store.subscribe(resourceKey(crds), (change) => {
    const crd = change.object;
    if (change.type === 'DELETED') {
      unserve(crd.metadata.name!, new Set());
      servedBy.delete(crd.metadata.name!);
      api.store.removeAll(customStorageKey(crdSpec(crd)));
      return;
    }
    if (Array.isArray(crdSpec(crd).versions) && crdSpec(crd).versions.length > 0) serve(crd);
  });
}
