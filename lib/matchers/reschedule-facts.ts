/** What the rescheduling matchers agree on: which instance is the original one. */
import type { V1Pod } from '@kubernetes/client-node';
import type { ObjectState } from '../expect/index.ts';

export interface RescheduleOptions {
  /** The node the pod is leaving (e.g. the drained node). */
  from: string;
  /** The pod read before the action; its UID identifies the original instance. */
  baseline?: V1Pod;
}

export function checkRescheduleOptions(name: string, options: RescheduleOptions): void {
  if (!options || typeof options.from !== 'string' || options.from === '') {
    throw new TypeError(`${name}: expected { from: '<node name>' } (the node the pod is leaving)`);
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
 * The UID of the original instance: the baseline's, or else the instance on `from` when the wait
 * began. Undefined when neither is known (the pod was already elsewhere or absent).
 */
export function originalUid(state: ObjectState<V1Pod>, from: string): string | undefined {
  if (state.baseline?.metadata?.uid) return state.baseline.metadata.uid;
  const first = state.history[0];
  return first?.nodeName === from ? first.uid : undefined;
}
