/**
 * eventuallyEvents / consistentlyEvents: "a FailedScheduling event was emitted about this pod" in
 * one line. The server picks the events by field selector (involved object, reason, type) through
 * a shared watch cache; the message and `since` are checked here.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import { type Assertion, type Observation, observeSet, type SetState } from '../expect/index.ts';
import { byTime, eventLine } from './event-facts.ts';
import { checkConnection, type ExpectationOptions, type Mode, SetExpectation } from './object-expectation.ts';
import { type ObjectRef, setRef } from './refs.ts';
import { toBeEmitted } from './to-be-emitted.ts';
import { EVENTS } from './workload-refs.ts';

/** Which events: about which object, with which reason, type and message, since when. */
export interface EventQuery {
  /** A reference (`podRef(ns, 'web-0')`) or `{ kind, name, uid? }` (uid: one instance only). */
  involvedObject?: ObjectRef | { kind: string; name: string; uid?: string };
  reason?: string;
  type?: 'Normal' | 'Warning';
  /** A substring of the message, or a pattern. */
  message?: string | RegExp;
  /** Only events that happened at or after this time (e.g. just before the action under test). */
  since?: Date;
}

const KEYS = new Set(['involvedObject', 'reason', 'type', 'message', 'since']);

// Field selector values escape `\`, `,` and `=` (apimachinery's fields.EscapeValue).
const escapeValue = (v: string) => v.replace(/[\\,=]/g, (c) => `\\${c}`);

interface Involved {
  kind: string;
  name: string;
  uid?: string;
}

function involvedOf(entry: string, o: EventQuery['involvedObject']): Involved | undefined {
  if (o === undefined) return undefined;
  if (o && (o as ObjectRef).kind === 'object' && (o as ObjectRef).resource) {
    const ref = o as ObjectRef;
    return { kind: ref.resource.kind, name: ref.name };
  }
  const plain = o as Involved;
  if (
    !plain ||
    typeof plain.kind !== 'string' ||
    !plain.kind ||
    typeof plain.name !== 'string' ||
    !plain.name
  ) {
    throw new TypeError(`${entry}: involvedObject must be a reference (podRef…) or { kind, name, uid? }`);
  }
  if (plain.uid !== undefined && typeof plain.uid !== 'string')
    throw new TypeError(`${entry}: involvedObject.uid must be a string`);
  return plain;
}

function checkQuery(entry: string, query: EventQuery): Involved | undefined {
  if (query === null || typeof query !== 'object')
    throw new TypeError(
      `${entry}: expected a query such as { involvedObject: podRef(ns, name), reason: 'FailedScheduling' }`,
    );
  for (const key of Object.keys(query)) {
    if (!KEYS.has(key))
      throw new TypeError(`${entry}: unknown query field '${key}'; known: ${[...KEYS].join(', ')}`);
  }
  const involved = involvedOf(entry, query.involvedObject);
  if (!involved && query.reason === undefined)
    throw new TypeError(`${entry}: name an involvedObject or a reason (or both), or every event would match`);
  if (query.reason !== undefined && (typeof query.reason !== 'string' || !query.reason))
    throw new TypeError(`${entry}: reason must be a non-empty string such as 'FailedScheduling'`);
  if (query.type !== undefined && query.type !== 'Normal' && query.type !== 'Warning')
    throw new TypeError(`${entry}: type must be 'Normal' or 'Warning'`);
  if (query.message !== undefined && typeof query.message !== 'string' && !(query.message instanceof RegExp))
    throw new TypeError(`${entry}: message must be a string (a substring) or a RegExp`);
  if (query.since !== undefined && !(query.since instanceof Date && !Number.isNaN(query.since.getTime())))
    throw new TypeError(`${entry}: since must be a valid Date`);
  return involved;
}

function fieldSelector(query: EventQuery, involved: Involved | undefined): string {
  const parts: string[] = [];
  if (involved) {
    parts.push(
      `involvedObject.kind=${escapeValue(involved.kind)}`,
      `involvedObject.name=${escapeValue(involved.name)}`,
    );
    if (involved.uid) parts.push(`involvedObject.uid=${escapeValue(involved.uid)}`);
  }
  if (query.reason) parts.push(`reason=${escapeValue(query.reason)}`);
  if (query.type) parts.push(`type=${query.type}`);
  return parts.join(',');
}

/** `a Warning FailedScheduling event about pod ns/web-0 with message matching /nodes/` */
function describeQuery(namespace: string, query: EventQuery, involved: Involved | undefined): string {
  const what = [query.type, query.reason].filter(Boolean).join(' ');
  const parts = [`${what ? `a ${what}` : 'an'} event`];
  if (involved) parts.push(`about ${involved.kind.toLowerCase()} ${namespace}/${involved.name}`);
  if (involved?.uid) parts.push(`(uid ${involved.uid.slice(0, 8)})`);
  if (query.message !== undefined)
    parts.push(
      typeof query.message === 'string'
        ? `saying "${query.message}"`
        : `with message matching ${query.message}`,
    );
  if (query.since) parts.push(`since ${query.since.toISOString()}`);
  return parts.join(' ');
}

export class EventsExpectation extends SetExpectation<CoreV1Event, EventsExpectation> {
  private readonly query: EventQuery;
  private readonly involved: Involved | undefined;
  private readonly wording: string;

  constructor(
    conn: Connection,
    namespace: string,
    query: EventQuery,
    mode: Mode,
    options?: ExpectationOptions,
  ) {
    const entry = `${mode}Events`;
    const involved = checkQuery(entry, query);
    super(
      conn,
      setRef<CoreV1Event>(EVENTS, namespace, { fieldSelector: fieldSelector(query, involved) }),
      mode,
      options,
    );
    this.query = { ...query };
    this.involved = involved;
    this.wording = describeQuery(namespace, query, involved);
  }

  protected override open(): Observation<SetState<CoreV1Event>> {
    const namespace = this.ref.namespace!;
    const inner = observeSet<CoreV1Event>(this.conn, EVENTS, namespace, this.ref.selector);
    const involved = this.involved;
    const conn = this.conn;
    return {
      subject: `events in ${namespace}`,
      get synced() {
        return inner.synced;
      },
      get finalError() {
        return inner.finalError;
      },
      get closed() {
        return inner.closed;
      },
      state: () => inner.state(),
      subscribe: (onState) => inner.subscribe(onState),
      describe: (s) =>
        s.objects.length === 0
          ? 'no events of that kind'
          : byTime(s.objects).slice(-3).map(eventLine).join('; '),
      trajectory: (origin) => inner.trajectory(origin),
      lastError: (since) => inner.lastError(since),
      // The object's other events say what happened instead.
      async events(limit) {
        if (!involved) return [];
        const all = await conn.listEventsFor(namespace, involved.kind, involved.name);
        return all.slice(-limit).map(eventLine);
      },
      catchUp: (signal) => inner.catchUp(signal),
      close: () => inner.close(),
    };
  }

  /** At least one such event exists (with `.not` and consistently: none appears); resolves to them, oldest first. */
  toBeEmitted(): Assertion<CoreV1Event[]> {
    return this.toMatch(
      toBeEmitted({ message: this.query.message, since: this.query.since, describe: this.wording }),
    );
  }
}

const events =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, query: EventQuery, options?: ExpectationOptions) => {
    checkConnection(conn, entry);
    if (typeof namespace !== 'string' || namespace === '')
      throw new TypeError(`${entry}: the namespace must be a non-empty string`);
    return new EventsExpectation(conn, namespace, query, mode, options);
  };

/** `await eventuallyEvents(conn, ns, { involvedObject: podRef(ns, 'web-0'), reason: 'FailedScheduling' }).toBeEmitted()` */
export const eventuallyEvents = events('eventually', 'eventuallyEvents');
/** `await consistentlyEvents(conn, ns, { involvedObject: podRef(ns, 'web-0'), reason: 'BackOff' }, { for: '30s' }).not.toBeEmitted()` */
export const consistentlyEvents = events('consistently', 'consistentlyEvents');
