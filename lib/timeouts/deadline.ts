/**
 * The deadline one wait carries: resolved once when the wait starts, it ends at a fixed time and
 * aborts its signal then (or as soon as a linked signal aborts: the user's, a cancel). Every API
 * call made for the wait runs under it (see lib/client's call scope), so none outlives the budget.
 */
import type { ResolvedTimeout } from './budgets.ts';
import { formatDuration } from './duration.ts';

/**
 * How long past its budget a wait may take to settle: reading the events its failure message shows
 * is bounded by this. A wait settles within budget + DEADLINE_GRACE_MS whatever the server does.
 */
export const DEADLINE_GRACE_MS = 2000;

/** The reason a deadline's signal carries when its time ran out. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  constructor(label: string) {
    super(`the budget of ${label} ran out`);
  }
}

export interface Deadline {
  /** When the wait began (ms epoch). */
  readonly startedAt: number;
  /** When it ends (ms epoch). */
  readonly at: number;
  readonly budget: ResolvedTimeout;
  /** Aborts at `at`, or with the reason of the first linked signal that aborts. */
  readonly signal: AbortSignal;
  remainingMs(): number;
  elapsedMs(): number;
  /**
   * Ends the deadline early: aborts its signal (if it has not aborted yet) so every request still
   * made for the wait is given up, then stops the timer and unlinks the signals. Idempotent; call
   * it whenever the wait ends.
   */
  end(reason?: string): void;
}

/**
 * Every deadline linked to one outside signal (a user's `signal`, a drain's deadline shared by its
 * per-pod waits) is told through a single abort listener on it: Node warns of a leak past ten
 * listeners on one signal, and a drain of many pods, or many waits on one signal, would pass that.
 */
const relays = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` when `signal` aborts; returns the unlink. */
function linkTo(signal: AbortSignal, onAbort: () => void): () => void {
  let subscribers = relays.get(signal);
  if (!subscribers) {
    const set = new Set<() => void>();
    subscribers = set;
    relays.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        relays.delete(signal);
        for (const f of [...set]) f();
      },
      { once: true },
    );
  }
  const mine = subscribers;
  mine.add(onAbort);
  return () => {
    mine.delete(onAbort);
  };
}

/** Starts a deadline of `budget` from now, linked to `links` (undefined entries are skipped). */
export function startDeadline(
  budget: ResolvedTimeout,
  links: readonly (AbortSignal | undefined)[] = [],
): Deadline {
  const startedAt = Date.now();
  const at = startedAt + budget.ms;
  const controller = new AbortController();
  const unlinks: (() => void)[] = [];
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(budget.label)), budget.ms);
  const dispose = () => {
    clearTimeout(timer);
    for (const u of unlinks.splice(0)) u();
  };
  const end = (reason = 'the wait ended') => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
    dispose();
  };
  for (const link of links) {
    if (!link) continue;
    if (link.aborted) {
      controller.abort(link.reason);
      break;
    }
    unlinks.push(linkTo(link, () => controller.abort(link.reason)));
  }
  controller.signal.addEventListener('abort', dispose, { once: true });
  return {
    startedAt,
    at,
    budget,
    signal: controller.signal,
    remainingMs: () => Math.max(0, at - Date.now()),
    elapsedMs: () => Date.now() - startedAt,
    end,
  };
}

/**
 * The short deadline for work done after a wait ended (reading events for its failure message):
 * DEADLINE_GRACE_MS from now, linked to the same signals.
 */
export function graceDeadline(
  budget: ResolvedTimeout,
  links: readonly (AbortSignal | undefined)[] = [],
): Deadline {
  return startDeadline(
    { ms: DEADLINE_GRACE_MS, label: `${formatDuration(DEADLINE_GRACE_MS)} grace after ${budget.label}` },
    links,
  );
}
