import type { CoreV1Event } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, pass, type SetState } from '../expect/index.ts';
import { byTime, eventLine, lastHappened } from './event-facts.ts';

/** What the events must also show, beyond what the server-side selector picked. */
export interface EmittedFilter {
  /** The event's message: a substring, or a pattern. */
  message?: string | RegExp;
  /** Only events that last happened at or after this time (to the second, as events are stamped). */
  since?: Date;
  /** Words for the expectation, e.g. `a Warning FailedScheduling event about pod ns/web-0`. */
  describe: string;
}

/**
 * At least one event of the selected set matches: resolves to the matching events, oldest first.
 * With consistently and `.not`: no such event was emitted for the whole duration.
 */
export function toBeEmitted(filter: EmittedFilter): MatcherDefinition<SetState<CoreV1Event>, CoreV1Event[]> {
  const { message, since } = filter;
  // Event times have one-second precision: an event in the same second as `since` counts.
  const from = since ? Math.floor(since.getTime() / 1000) * 1000 : undefined;
  const fits = (e: CoreV1Event) =>
    (from === undefined || lastHappened(e) >= from) &&
    (message === undefined ||
      (typeof message === 'string' ? (e.message ?? '').includes(message) : message.test(e.message ?? '')));
  return {
    name: 'toBeEmitted',
    expectation: `to include ${filter.describe}`,
    test({ objects }) {
      const seen = byTime(objects);
      const hits = seen.filter(fits);
      if (hits.length)
        return pass(hits, `${hits.length} emitted, latest: ${eventLine(hits[hits.length - 1]!)}`);
      if (seen.length === 0) return fail('no such event');
      const latest = eventLine(seen[seen.length - 1]!);
      return fail(`${seen.length} of that reason, none matching (latest: ${latest})`);
    },
  };
}
