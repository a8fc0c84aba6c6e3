/** Ginkgo-style decorators passed between a node's title and its body. */
import { type Duration, parseDuration } from '../timeouts/index.ts';
import { assertValidLabel } from './label-filter.ts';

export type Decorator =
  | { readonly decorator: 'label'; readonly labels: readonly string[] }
  | { readonly decorator: 'ordered' }
  | { readonly decorator: 'continueOnFailure' }
  | { readonly decorator: 'serial' }
  | { readonly decorator: 'timeout'; readonly ms: number };

/** Labels for filtering (KUBEXPECT_LABEL_FILTER) and for `--grep`: they are shown in the title. */
export function Label(...labels: string[]): Decorator {
  if (labels.length === 0) throw new TypeError('Label: give at least one label, e.g. Label("disruptive")');
  for (const label of labels) assertValidLabel(label);
  return Object.freeze({ decorator: 'label', labels: Object.freeze([...labels]) });
}

/** The container's specs run in order; after a failure the rest are skipped and reported as such. */
export const Ordered: Decorator = Object.freeze({ decorator: 'ordered' });

/** With Ordered: a failure does not skip the rest of the container (Ginkgo's ContinueOnFailure). */
export const ContinueOnFailure: Decorator = Object.freeze({ decorator: 'continueOnFailure' });

/** The specs never run at the same time as other Serial specs, even under `mocha --parallel`. */
export const Serial: Decorator = Object.freeze({ decorator: 'serial' });

/**
 * mocha's timeout for a spec, or for every spec and hook of a container: a safety net above the
 * assertions' own budgets, which fail first with the better message.
 */
export function SpecTimeout(duration: Duration): Decorator {
  const ms = parseDuration(duration, 'SpecTimeout');
  if (!(ms > 0))
    throw new TypeError(`SpecTimeout: must be longer than zero, got ${JSON.stringify(duration)}`);
  return Object.freeze({ decorator: 'timeout', ms });
}

export interface ParsedArgs<B> {
  readonly labels: readonly string[];
  readonly ordered: boolean;
  readonly continueOnFailure: boolean;
  readonly serial: boolean;
  readonly timeoutMs: number | undefined;
  readonly body: B;
}

function isDecorator(value: unknown): value is Decorator {
  return typeof value === 'object' && value !== null && 'decorator' in value;
}

/** Splits `(title, ...decorators, body)`, with errors that say what was wrong. */
export function parseNodeArgs<B extends (...args: never[]) => unknown>(
  node: string,
  title: unknown,
  rest: readonly unknown[],
): ParsedArgs<B> {
  if (typeof title !== 'string' || title.trim() === '') {
    throw new TypeError(
      `${node}: the first argument must be a non-empty title, got ${JSON.stringify(title)}`,
    );
  }
  const body = rest.at(-1);
  if (typeof body !== 'function') {
    throw new TypeError(`${node}("${title}"): the last argument must be the body function`);
  }
  const labels: string[] = [];
  let ordered = false;
  let continueOnFailure = false;
  let serial = false;
  let timeoutMs: number | undefined;
  for (const d of rest.slice(0, -1)) {
    if (!isDecorator(d)) {
      throw new TypeError(
        `${node}("${title}"): between the title and the body only decorators are allowed (Label(...), Ordered, ContinueOnFailure, Serial, SpecTimeout(...)), got ${typeof d === 'function' ? 'a function' : JSON.stringify(d)}`,
      );
    }
    if (d.decorator === 'label') labels.push(...d.labels);
    else if (d.decorator === 'ordered') ordered = true;
    else if (d.decorator === 'continueOnFailure') continueOnFailure = true;
    else if (d.decorator === 'serial') serial = true;
    else timeoutMs = d.ms;
  }
  if (continueOnFailure && !ordered) {
    throw new TypeError(
      `${node}("${title}"): ContinueOnFailure only applies to an Ordered container; add Ordered`,
    );
  }
  return { labels, ordered, continueOnFailure, serial, timeoutMs, body: body as B };
}
