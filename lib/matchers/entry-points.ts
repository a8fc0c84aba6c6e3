/**
 * The public entry points: eventuallyPod, consistentlyPod, eventuallyPods, eventuallyPvc,
 * eventuallyNode (and their consistently twins), plus the generic eventually/consistently over any
 * reference, which kind-specific helpers (e.g. CNPG clusters) build on.
 */
import type { KubernetesObject, V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { type Connection, currentCallScope } from '../client/index.ts';
import type { Assertion, MatcherDefinition, ObjectState } from '../expect/index.ts';
import {
  checkConnection,
  type ExpectationOptions,
  type Mode,
  ObjectExpectation,
  SetExpectation,
} from './object-expectation.ts';
import { nodeRef, type ObjectRef, podRef, podsRef, pvcRef, type SetRef } from './refs.ts';
import { storageExpectationResolver } from './storage-expectation.ts';
import { toAllBeOffNode } from './to-all-be-off-node.ts';
import { toAllBeReady } from './to-all-be-ready.ts';
import { toBeBound } from './to-be-bound.ts';
import { toBeCordoned } from './to-be-cordoned.ts';
import { toBeOnNode } from './to-be-on-node.ts';
import { toBePending } from './to-be-pending.ts';
import { toBeReady } from './to-be-ready.ts';
import { type Rescheduled, toBeRescheduled } from './to-be-rescheduled.ts';
import {
  type RescheduledOrPendingOptions,
  type RescheduleOutcome,
  toBeRescheduledOrPending,
} from './to-be-rescheduled-or-pending.ts';
import { toBeRunning } from './to-be-running.ts';
import { toBeScheduled } from './to-be-scheduled.ts';
import { toBeUnschedulable } from './to-be-unschedulable.ts';
import { toAllKeepRestartCounts } from './to-all-keep-restart-counts.ts';
import { toKeepRestartCounts } from './to-keep-restart-counts.ts';
import { observePodWithClaims } from './pod-claims-observation.ts';
import { type ReuseClaimsOptions, toReuseClaims } from './to-reuse-claims.ts';
import type { RescheduleOptions } from './reschedule-facts.ts';

export class PodExpectation extends ObjectExpectation<V1Pod, PodExpectation> {
  toBePending(): Assertion<V1Pod> {
    return this.toMatch(toBePending());
  }
  toBeScheduled(): Assertion<V1Pod> {
    return this.toMatch(toBeScheduled());
  }
  toBeUnschedulable(): Assertion<V1Pod> {
    return this.toMatch(toBeUnschedulable());
  }
  toBeRunning(): Assertion<V1Pod> {
    return this.toMatch(toBeRunning());
  }
  toBeReady(): Assertion<V1Pod> {
    return this.toMatch(toBeReady());
  }
  toBeOnNode(node: string): Assertion<V1Pod> {
    return this.toMatch(toBeOnNode(node));
  }
  toBeRescheduled(options: RescheduleOptions): Assertion<Rescheduled> {
    return this.toMatch(withBaseline(toBeRescheduled(options), options.baseline));
  }
  /** No container restarted since `baseline` (default: since the wait began), and the pod was not replaced. */
  toKeepRestartCounts(baseline?: V1Pod): Assertion<V1Pod> {
    return this.toMatch(toKeepRestartCounts(baseline));
  }
  /** A new instance (another UID) on the same PersistentVolumeClaims as `baseline`, the same claim objects. */
  toReuseClaims(options: ReuseClaimsOptions): Assertion<V1Pod> {
    const { namespace, name } = this.ref;
    return this.run(
      toReuseClaims(options),
      () => observePodWithClaims(this.conn, namespace!, name),
      (s) => s.pod.object,
    );
  }

  /**
   * The elastic matcher: resolves to `{ kind: 'pending', reason, message, … }` or
   * `{ kind: 'rescheduled', from, to, uid, … }`. `expect: 'auto'` asks the registered storage
   * expectation resolver which outcome this pod's storage allows.
   */
  toBeRescheduledOrPending(options: RescheduledOrPendingOptions): Assertion<RescheduleOutcome> {
    if (this.mode !== 'eventually') {
      throw new TypeError(
        'toBeRescheduledOrPending is an eventually matcher; it cannot be used with consistently',
      );
    }
    const direct = toBeRescheduledOrPending(options); // validates options now
    if (options.expect !== 'auto') {
      return this.toMatch(withBaseline(direct, options.baseline));
    }
    const resolver = storageExpectationResolver();
    if (!resolver) {
      throw new TypeError(
        "toBeRescheduledOrPending: expect: 'auto' needs a storage expectation resolver; register one with setStorageExpectationResolver() (lib/storage does) or pass expect: 'pending' | 'rescheduled'",
      );
    }
    const { namespace, name } = this.ref;
    // Runs inside the wait's budget: every API call in it carries the wait's deadline.
    return this.toMatchLater(
      'toBeRescheduledOrPending',
      async () => {
        const pod = options.baseline ?? (await this.conn.findPod(namespace!, name));
        const answer = await resolver({
          conn: this.conn,
          namespace: namespace!,
          name,
          pod,
          from: options.from,
          signal: currentCallScope()?.signal,
        });
        return withBaseline(
          toBeRescheduledOrPending(options, answer.expect, answer.because),
          options.baseline,
        );
      },
      direct.expectation,
    );
  }
}

/** Gives the matcher the baseline snapshot through the state it judges. */
function withBaseline<R>(
  def: MatcherDefinition<ObjectState<V1Pod>, R>,
  baseline: V1Pod | undefined,
): MatcherDefinition<ObjectState<V1Pod>, R> {
  if (!baseline) return def;
  return { ...def, test: (state) => def.test({ ...state, baseline }) };
}

export class PvcExpectation extends ObjectExpectation<V1PersistentVolumeClaim, PvcExpectation> {
  toBeBound(): Assertion<V1PersistentVolumeClaim> {
    return this.toMatch(toBeBound());
  }
}

export class NodeExpectation extends ObjectExpectation<V1Node, NodeExpectation> {
  toBeCordoned(): Assertion<V1Node> {
    return this.toMatch(toBeCordoned());
  }
}

export class PodSetExpectation extends SetExpectation<V1Pod, PodSetExpectation> {
  toAllBeReady(): Assertion<V1Pod[]> {
    return this.toMatch(toAllBeReady());
  }
  toAllBeOffNode(node: string): Assertion<V1Pod[]> {
    return this.toMatch(toAllBeOffNode(node));
  }
  /** No container of any selected pod restarted since the wait began. */
  toAllKeepRestartCounts(): Assertion<V1Pod[]> {
    return this.toMatch(toAllKeepRestartCounts());
  }
}

const pod =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, name: string, options?: ExpectationOptions) =>
    new PodExpectation(checkConnection(conn, entry), podRef(namespace, name), mode, options);

/** `await eventuallyPod(conn, ns, 'cluster-1', { timeout: 'drainNode' }).toBeReady()` */
export const eventuallyPod = pod('eventually', 'eventuallyPod');
/** `await consistentlyPod(conn, ns, 'cluster-1', { for: '10s' }).toBeOnNode('worker-2')` */
export const consistentlyPod = pod('consistently', 'consistentlyPod');

const pods =
  (mode: Mode, entry: string) =>
  (
    conn: Connection,
    namespace: string,
    selector: { labelSelector?: string; fieldSelector?: string },
    options?: ExpectationOptions,
  ) =>
    new PodSetExpectation(checkConnection(conn, entry), podsRef(namespace, selector), mode, options);

/** `await eventuallyPods(conn, ns, { labelSelector: 'cnpg.io/cluster=c1' }).toAllBeReady()` */
export const eventuallyPods = pods('eventually', 'eventuallyPods');
export const consistentlyPods = pods('consistently', 'consistentlyPods');

const pvc =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, name: string, options?: ExpectationOptions) =>
    new PvcExpectation(checkConnection(conn, entry), pvcRef(namespace, name), mode, options);

export const eventuallyPvc = pvc('eventually', 'eventuallyPvc');
export const consistentlyPvc = pvc('consistently', 'consistentlyPvc');

const node = (mode: Mode, entry: string) => (conn: Connection, name: string, options?: ExpectationOptions) =>
  new NodeExpectation(checkConnection(conn, entry), nodeRef(name), mode, options);

export const eventuallyNode = node('eventually', 'eventuallyNode');
export const consistentlyNode = node('consistently', 'consistentlyNode');

/** Generic: any object or set reference (e.g. `objectRef(resourceKind('postgresql.cnpg.io/v1', 'Cluster', 'clusters'), ns, name)`). */
export function eventually<T extends KubernetesObject>(
  conn: Connection,
  ref: ObjectRef<T>,
  options?: ExpectationOptions,
): ObjectExpectation<T>;
export function eventually<T extends KubernetesObject>(
  conn: Connection,
  ref: SetRef<T>,
  options?: ExpectationOptions,
): SetExpectation<T>;
export function eventually<T extends KubernetesObject>(
  conn: Connection,
  ref: ObjectRef<T> | SetRef<T>,
  options?: ExpectationOptions,
): ObjectExpectation<T> | SetExpectation<T> {
  return generic('eventually', conn, ref, options);
}

export function consistently<T extends KubernetesObject>(
  conn: Connection,
  ref: ObjectRef<T>,
  options?: ExpectationOptions,
): ObjectExpectation<T>;
export function consistently<T extends KubernetesObject>(
  conn: Connection,
  ref: SetRef<T>,
  options?: ExpectationOptions,
): SetExpectation<T>;
export function consistently<T extends KubernetesObject>(
  conn: Connection,
  ref: ObjectRef<T> | SetRef<T>,
  options?: ExpectationOptions,
): ObjectExpectation<T> | SetExpectation<T> {
  return generic('consistently', conn, ref, options);
}

function generic<T extends KubernetesObject>(
  mode: Mode,
  conn: Connection,
  ref: ObjectRef<T> | SetRef<T>,
  options?: ExpectationOptions,
): ObjectExpectation<T> | SetExpectation<T> {
  checkConnection(conn, mode);
  if (ref?.kind === 'object') return new ObjectExpectation<T>(conn, ref, mode, options);
  if (ref?.kind === 'set') return new SetExpectation<T>(conn, ref, mode, options);
  throw new TypeError(
    `${mode}: the second argument must be a reference from objectRef(), podRef(), setRef()…`,
  );
}
