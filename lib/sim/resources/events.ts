/**
 * core/v1 Events, and events.k8s.io/v1 Events served as a read-only conversion view of the same
 * stored objects (the real server also keeps one storage for both). Writers use core/v1; readers of
 * either group see every event.
 */
import type { FieldError } from '../api/errors.ts';
import { resourceKey, type ResourceType, type TableColumn } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { builtIn, fieldAt, humanDuration } from './define.ts';
import { int, obj, str, type Shape } from './shape.ts';

interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

interface CoreEvent {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  action?: string;
  related?: ObjectReference | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

const INVOLVED_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

/** The core shape of an event, whichever group it is read through. */
function core(o: KObject): CoreEvent {
  if (o.apiVersion !== 'events.k8s.io/v1') return o as unknown as CoreEvent;
  const e = o as Record<string, unknown>;
  return {
    involvedObject: e.regarding as ObjectReference | undefined,
    reason: e.reason as string | undefined,
    message: e.note as string | undefined,
    source: e.deprecatedSource as CoreEvent['source'],
    firstTimestamp: e.deprecatedFirstTimestamp as string | undefined,
    lastTimestamp: e.deprecatedLastTimestamp as string | undefined,
    count: e.deprecatedCount as number | undefined,
    type: e.type as string | undefined,
    eventTime: e.eventTime as string | undefined,
    series: e.series as CoreEvent['series'],
    reportingComponent: e.reportingController as string | undefined,
    reportingInstance: e.reportingInstance as string | undefined,
  };
}

function since(ts: string | null | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(Math.max(0, now.getTime() - t));
}

function firstSeen(e: CoreEvent, now: Date): string {
  return e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
}

function lastSeen(e: CoreEvent, now: Date): string {
  if (e.series?.lastObservedTime) return since(e.series.lastObservedTime, now);
  return e.lastTimestamp ? since(e.lastTimestamp, now) : firstSeen(e, now);
}

function sourceText(e: CoreEvent): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  if (!component) return '';
  return instance ? `${component}, ${instance}` : component;
}

function objectText(e: CoreEvent): string {
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
}

/** `kubectl get events` columns: the real printer puts Name last and only in -o wide. */
const EVENT_COLUMNS: TableColumn[] = [
  { name: 'Last Seen', type: 'string', cell: (o, now) => lastSeen(core(o), now) },
  { name: 'Type', type: 'string', cell: (o) => core(o).type ?? '' },
  { name: 'Reason', type: 'string', cell: (o) => core(o).reason ?? '' },
  { name: 'Object', type: 'string', cell: (o) => objectText(core(o)) },
  { name: 'Subobject', type: 'string', priority: 1, cell: (o) => core(o).involvedObject?.fieldPath ?? '' },
  { name: 'Source', type: 'string', priority: 1, cell: (o) => sourceText(core(o)) },
  { name: 'Message', type: 'string', cell: (o) => (core(o).message ?? '').trim() },
  { name: 'First Seen', type: 'string', priority: 1, cell: (o, now) => firstSeen(core(o), now) },
  {
    name: 'Count',
    type: 'string',
    priority: 1,
    cell: (o) => {
      const e = core(o);
      return e.series?.count ?? (e.count || 1);
    },
  },
  { name: 'Name', type: 'string', format: 'name', priority: 1, cell: (o) => o.metadata.name ?? '' },
];

const coreFields: Record<string, (obj: KObject) => string | undefined> = {
  reason: fieldAt('reason'),
  type: fieldAt('type'),
  source: fieldAt('source.component'),
  reportingComponent: fieldAt('reportingComponent'),
};
for (const f of INVOLVED_FIELDS) coreFields[`involvedObject.${f}`] = fieldAt(`involvedObject.${f}`);

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  involvedObject: obj({ kind: str, namespace: str, name: str, uid: str, fieldPath: str }),
  source: obj({ component: str, host: str }),
  reason: str,
  message: str,
  type: str,
  count: int,
  series: obj({ count: int, lastObservedTime: str }),
};

export const events: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    hasGeneration: false,
    shortNames: ['ev'],
    fields: coreFields,
    validate(obj) {
      const e = obj as unknown as CoreEvent;
      const errors: FieldError[] = [];
      const involvedNs = e.involvedObject?.namespace ?? '';
      const ns = obj.metadata.namespace ?? '';
      if (!involvedNs) {
        if (ns !== '' && ns !== 'default') {
          errors.push({
            type: 'FieldValueInvalid',
            field: 'involvedObject.namespace',
            value: involvedNs,
            detail: 'does not match event.namespace',
          });
        }
      } else if (involvedNs !== ns) {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'involvedObject.namespace',
          value: involvedNs,
          detail: 'does not match event.namespace',
        });
      }
      return errors;
    },
    columns: EVENT_COLUMNS,
  },
  SHAPE,
);

/** A stored core event as events.k8s.io/v1 serves it. */
function toEventsV1(stored: KObject): KObject {
  const e = stored as unknown as CoreEvent;
  const out: Record<string, unknown> = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: stored.metadata,
    eventTime: e.eventTime ?? null,
  };
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  };
  put('series', e.series);
  put('reportingController', e.reportingComponent);
  put('reportingInstance', e.reportingInstance);
  put('action', e.action);
  put('reason', e.reason);
  put('regarding', e.involvedObject);
  put('related', e.related);
  put('note', e.message);
  put('type', e.type);
  if (e.source && (e.source.component || e.source.host)) out.deprecatedSource = e.source;
  put('deprecatedFirstTimestamp', e.firstTimestamp);
  put('deprecatedLastTimestamp', e.lastTimestamp);
  put('deprecatedCount', e.count);
  return out as KObject;
}

const viewFields: Record<string, (obj: KObject) => string | undefined> = {
  reason: fieldAt('reason'),
  type: fieldAt('type'),
  reportingController: fieldAt('reportingComponent'),
  deprecatedSource: fieldAt('source.component'),
};
// Field selectors run against the stored core object, so `regarding.*` reads `involvedObject.*`.
for (const f of INVOLVED_FIELDS) viewFields[`regarding.${f}`] = fieldAt(`involvedObject.${f}`);

/** events.k8s.io/v1: read-only (get, list, watch); writes go through core/v1. */
export const eventsV1: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  hasGeneration: false,
  shortNames: ['ev'],
  verbs: ['get', 'list', 'watch'],
  storageKey: resourceKey(events),
  convert: toEventsV1,
  fields: viewFields,
  columns: EVENT_COLUMNS,
};
