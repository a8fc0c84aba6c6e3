/**
 * What is special about one kind of resource: its identity for discovery, its field selectors, its
 * defaulting and validation, its subresources and its table columns. One small file per kind under
 * ../resources declares one of these; the Api layer applies them, so there is no switch on kind.
 */
import type { FieldError } from './errors.ts';
import type { NameRule } from './metadata.ts';
import type { KObject } from './types.ts';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Context given to strategy hooks: the clock and the server-side API for lookups. */
export interface StrategyContext {
  now: Date;
  /** The cluster's seeded random source (for allocations such as service cluster IPs). */
  random: () => number;
  /** Reads another object (for validation that needs it); undefined when absent. */
  lookup(group: string, plural: string, namespace: string | undefined, name: string): KObject | undefined;
  /** Lists another resource's objects (in a namespace, or all), in name order (access reviews read RBAC). */
  list(group: string, plural: string, namespace?: string): KObject[];
}

/** A table column as meta.k8s.io/v1 Table columnDefinitions declare it. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
  /** The cell value; null prints as `<none>`, as a missing custom-column value does. */
  cell(obj: KObject, now: Date): string | number | boolean | null;
}

/** A subresource with its own handler (binding, eviction, scale). `status` is generic and needs none. */
export interface SubresourceSpec {
  /** Kind of the request/response body, and its group/version when it differs from the parent's. */
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  /** With a status subresource, main-resource writes keep the old status and status writes keep the rest. */
  hasStatus?: boolean;
  /** Top-level fields main-resource writes cannot change, only a subresource handler (`spec` of a Namespace). */
  keptOnUpdate?: string[];
  /** Subresources other than `status`, keyed by name. Their behaviour is registered on the Api. */
  subresources?: Record<string, SubresourceSpec>;
  /** Field-selector fields beyond metadata.name and metadata.namespace, with how to read each. */
  fields?: Record<string, (obj: KObject) => string | undefined>;
  /** Defaulting on create (after metadata is set, before validation). */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  /**
   * The kind's mutating admission on create (a pod's ServiceAccount, Priority and default
   * tolerations): after managedFields are recorded, which the real server does before admission,
   * and before validation.
   */
  admitOnCreate?(obj: KObject): void;
  /** Normalisation on update (after status/spec are reset per the status rules, before validation). */
  prepareForUpdate?(obj: KObject, old: KObject, ctx: StrategyContext): void;
  /** A Warning every request to this resource gets (a deprecated API's, as the real server sends it). */
  deprecationWarning?: string;
  /** How names are checked (default: a DNS-1123 subdomain); see ./metadata.ts. */
  nameRule?: NameRule;
  /** Validation; any error makes the write a 422 Invalid. */
  validate?(obj: KObject, old: KObject | undefined): FieldError[];
  /** Warnings a valid write of the main resource gets (the strategy's WarningsOnCreate / WarningsOnUpdate). */
  warnings?(obj: KObject, old: KObject | undefined): string[];
  /**
   * What a write changes after validation, as the real server's defaulting does again when it
   * decodes what it stored (a batch/v1 Job without labels takes its template's, generated ones
   * included). Not recorded in managedFields, as on the real server.
   */
  defaultStored?(obj: KObject): void;
  /**
   * Grace period in seconds for a delete of this object, given what the request asked for; a positive
   * answer makes the delete graceful (deletionTimestamp set; a kubelet removes it later). Default 0.
   */
  gracePeriodSeconds?(obj: KObject, requested: number | undefined): number;
  /** Whether DELETE answers with the object (pods, PVs, PVCs) rather than a Success Status. */
  returnDeletedObject?: boolean;
  /** Whether a create answers the prepared object without storing it (access reviews). */
  ephemeral?: boolean;
  /** Whether strategic merge patch is accepted (built-in kinds); CRDs answer 415. */
  strategicMerge?: boolean;
  /** Whether objects carry metadata.generation (default true; ConfigMaps, Leases and other spec-less kinds do not). */
  hasGeneration?: boolean;
  /** The top-level fields whose change bumps metadata.generation; default: all but metadata and status. */
  generationIgnores?: string[];
  /** Server-side printing columns; Name is always first and added by the printer. */
  columns?: TableColumn[];
  /**
   * The paths of fields the kind's schema does not declare (`spec.foo`), for fieldValidation. Custom
   * kinds answer from their CRD schema; built-in kinds are checked against the real OpenAPI documents.
   */
  unknownFields?(obj: KObject): string[];
  /** An OpenAPI v3 schema for the kind, when one is known (CRDs carry theirs). */
  schema?: Record<string, unknown>;
  /** Whether the kind came from a CustomResourceDefinition. */
  custom?: boolean;
  /**
   * Where the objects live when another resource owns them: the events.k8s.io view of core events,
   * or a CRD's non-storage versions. Default: this resource's own key.
   */
  storageKey?: string;
  /** Reads a stored object as this resource serves it (a view's conversion, a CRD version's apiVersion). */
  convert?(stored: KObject): KObject;
  /** Whether a delete only marks the object even without metadata.finalizers (a namespace with spec.finalizers). */
  retainOnDelete?(obj: KObject): boolean;
  /** Changes a delete makes to an object it marks (a namespace turns Terminating). */
  prepareForDelete?(obj: KObject): void;
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** The key the store files a resource under, e.g. `/v1/pods`, `apps/v1/daemonsets`. */
export function resourceKey(rt: Pick<ResourceType, 'group' | 'version' | 'plural' | 'storageKey'>): string {
  return rt.storageKey ?? `${rt.group}/${rt.version}/${rt.plural}`;
}
