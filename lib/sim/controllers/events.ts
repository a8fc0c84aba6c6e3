/**
 * Records core/v1 Events the way real components do: one Event per (object, reason, message) in the
 * object's namespace, with count and lastTimestamp bumped on repeats.
 */
import type { Api } from '../api/api.ts';
import { StatusError } from '../api/errors.ts';
import { type KObject, timestamp } from '../api/types.ts';

export interface EventSource {
  /** reportingComponent / source.component, e.g. `default-scheduler`, `kubelet`. */
  component: string;
  /** source.host / reportingInstance, e.g. the node name for the kubelet. */
  host?: string;
}

export class EventRecorder {
  private readonly seen = new Map<string, { namespace: string; name: string }>();
  private counter = 0;

  constructor(private readonly api: Api) {}

  record(
    involved: KObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
  ): void {
    const events = this.api.registry.find('', 'events');
    if (!events) return;
    const namespace = involved.metadata.namespace ?? 'default';
    const aggregateKey = `${involved.metadata.uid}|${reason}|${message}|${source.component}`;
    const now = this.api.now();
    const previous = this.seen.get(aggregateKey);
    if (previous) {
      const existing = this.api.find(events, previous.namespace, previous.name);
      if (existing) {
        try {
          this.api.update(events, previous.namespace, previous.name, {
            ...existing,
            count: ((existing.count as number | undefined) ?? 1) + 1,
            lastTimestamp: timestamp(now),
          });
          return;
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
        }
      }
    }
    const name = `${involved.metadata.name}.${(Date.now() * 1000 + this.counter++).toString(16)}`;
    const involvedObject: Record<string, unknown> = {
      kind: involved.kind,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
    };
    if (involved.metadata.namespace) involvedObject.namespace = involved.metadata.namespace;
    try {
      this.api.create(events, namespace, {
        metadata: { name, namespace },
        involvedObject,
        reason,
        message,
        type,
        source: source.host
          ? { component: source.component, host: source.host }
          : { component: source.component },
        firstTimestamp: timestamp(now),
        lastTimestamp: timestamp(now),
        eventTime: null,
        count: 1,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
      this.seen.set(aggregateKey, { namespace, name });
    } catch (err) {
      // A namespace being removed refuses new events; the real recorder drops them too.
      if (!(err instanceof StatusError)) throw err;
    }
  }
}
