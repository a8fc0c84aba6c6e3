/** Readings of core/v1 Events shared by the events matcher and its entry point (JSON as the API sends it). */
import type { CoreV1Event } from '@kubernetes/client-node';

/** When the event last happened (ms): series, lastTimestamp, eventTime, firstTimestamp, creation. */
export function lastHappened(e: CoreV1Event): number {
  const t =
    e.series?.lastObservedTime ??
    e.lastTimestamp ??
    e.eventTime ??
    e.firstTimestamp ??
    e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

export function byTime(events: readonly CoreV1Event[]): CoreV1Event[] {
  return [...events].sort((a, b) => lastHappened(a) - lastHappened(b));
}

/** `Warning FailedScheduling (x3) on pod/web-0: 0/3 nodes are available: …`. */
export function eventLine(e: CoreV1Event): string {
  const count = (e.series?.count ?? e.count ?? 1) > 1 ? ` (x${e.series?.count ?? e.count})` : '';
  const about = e.involvedObject
    ? ` on ${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name}`
    : '';
  return `${e.type ?? 'Normal'} ${e.reason ?? ''}${count}${about}: ${(e.message ?? '').trim()}`;
}
