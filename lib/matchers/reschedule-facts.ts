/** What the rescheduling matchers agree on: which instance is the original one. */
import type { V1Pod } from '@kubernetes/client-node';
import type { ObjectState } from '../expect/index.ts';
import { shortUid } from './pod-facts.ts';

export interface RescheduleOptions {
  /** The node the pod is leaving (e.g. the drained node). */
  from: string;
  /** The pod read before the action; its UID identifies the original instance. */
  baseline?: V1Pod;
}

export function checkRescheduleOptions(
  name: string,
  options: RescheduleOptions,
  known: readonly string[] = ['from', 'baseline'],
): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${name}: pass { from: '<node name>', baseline: <the pod read before the action> }, got ${String(options)}`,
    );
  }
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`${name}: unknown option ${unknown.join(', ')}; the options are ${known.join(', ')}`);
  }
  if (typeof options.from !== 'string' || options.from === '') {
    throw new TypeError(
      `${name}: expected { from: '<node name>' } (the node the pod is leaving), got from: ${JSON.stringify(options.from) ?? 'undefined'}`,
    );
  }
  if (options.baseline !== undefined && !options.baseline?.metadata?.uid) {
    throw new TypeError(`${name}: baseline must be a pod read from the API (with metadata.uid)`);
  }
  if (options.baseline?.spec?.nodeName && options.baseline.spec.nodeName !== options.from) {
    throw new TypeError(
      `${name}: the baseline pod is on ${options.baseline.spec.nodeName}, not on ${options.from}; pass the node it is leaving as 'from'`,
    );
  }
}

/**
 * Without a baseline, "rescheduled" can only mean "not on `from` any more", so the pod must have
 * been on `from` when the wait began. When it was on another node, the premise is wrong (the wrong
 * node, or the move happened before the wait): says where the pod is, as a final failure.
 */
export function wrongPremise(state: ObjectState<V1Pod>, from: string): string | undefined {
  if (state.baseline) return undefined;
  const first = state.history[0];
  if (!first?.nodeName || first.nodeName === from) return undefined;
  return (
    `the pod was not on ${from} when the wait began: it was on ${first.nodeName} ` +
    `(uid ${shortUid(first.uid)}, ${first.phase ?? 'no phase'}), so nothing shows it left ${from}; ` +
    `read the pod before the action and pass it as baseline, or name the node it is leaving as from`
  );
}

/**
 * The UID of the original instance: the baseline's, or else the instance on `from` when the wait
 * began. Undefined when neither is known (the pod was already elsewhere or absent).
 */
export function originalUid(state: ObjectState<V1Pod>, from: string): string | undefined {
  if (state.baseline?.metadata?.uid) return state.baseline.metadata.uid;
  const first = state.history[0];
  return first?.nodeName === from ? first.uid : undefined;
}
