/**
 * eventuallyCluster / consistentlyCluster: the Cluster matchers on the same builder, wait engine
 * and shared watch caches as the pod matchers. ClusterExpectation extends ObjectExpectation, so
 * everything a builder does (`.not`, toMatch, toExist, toHaveCondition, stopping when the
 * connection is closed) is inherited, not rebuilt; only the cluster's own matchers are added.
 */
import type { Connection } from '../client/index.ts';
import { type Assertion, type Observation, type ObjectState, observeObject } from '../expect/index.ts';
import { type ExpectationOptions, ObjectExpectation, objectRef } from '../matchers/index.ts';
import { describeCluster } from './matchers/describe-cluster.ts';
import { toBeInPhase } from './matchers/to-be-in-phase.ts';
import { toBeReady } from './matchers/to-be-ready.ts';
import { toHavePrimary } from './matchers/to-have-primary.ts';
import { toHavePrimaryOtherThan } from './matchers/to-have-primary-other-than.ts';
import { toHaveReadyInstances } from './matchers/to-have-ready-instances.ts';
import { CNPG_CLUSTERS, type CnpgCluster } from './types.ts';

export class ClusterExpectation extends ObjectExpectation<CnpgCluster, ClusterExpectation> {
  /** The object observation, with the cluster's own one-line description in messages. */
  protected override open(): Observation<ObjectState<CnpgCluster>> {
    return observeObject<CnpgCluster>(
      this.conn,
      this.ref.resource,
      this.ref.namespace,
      this.ref.name,
      undefined,
      (s) => describeCluster(s.object),
    );
  }

  /** Phase "Cluster in healthy state" and readyInstances == spec.instances. */
  toBeReady(): Assertion<CnpgCluster> {
    return this.toMatch(toBeReady());
  }
  /** A settled primary (currentPrimary == targetPrimary), `instance` when given; resolves to its name. */
  toHavePrimary(instance?: string): Assertion<string> {
    return this.toMatch(toHavePrimary(instance));
  }
  /** A settled primary that is not `former`; resolves to its name. */
  toHavePrimaryOtherThan(former: string): Assertion<string> {
    return this.toMatch(toHavePrimaryOtherThan(former));
  }
  toHaveReadyInstances(count: number): Assertion<CnpgCluster> {
    return this.toMatch(toHaveReadyInstances(count));
  }
  toBeInPhase(phase: string): Assertion<CnpgCluster> {
    return this.toMatch(toBeInPhase(phase));
  }
}

/** The builder's type, under the name earlier releases exported. */
export type ClusterAssertions = ClusterExpectation;

function checkTarget(what: string, conn: unknown, namespace: unknown, name: unknown): void {
  if (!conn || typeof (conn as Connection).call !== 'function')
    throw new TypeError(`${what}: the first argument must be a Connection from connect()`);
  if (typeof namespace !== 'string' || namespace === '')
    throw new TypeError(`${what}: the namespace must be a non-empty string`);
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`${what}: the cluster name must be a non-empty string`);
}

/** Waits until the CloudNativePG Cluster `namespace/name` matches; `timeout` defaults to the `default` budget. */
export function eventuallyCluster(
  conn: Connection,
  namespace: string,
  name: string,
  options: ExpectationOptions = {},
): ClusterExpectation {
  checkTarget('eventuallyCluster', conn, namespace, name);
  return new ClusterExpectation(conn, objectRef(CNPG_CLUSTERS, namespace, name), 'eventually', options);
}

/** Checks that the Cluster matches for the whole duration (`for`, default the `consistently` budget). */
export function consistentlyCluster(
  conn: Connection,
  namespace: string,
  name: string,
  options: ExpectationOptions = {},
): ClusterExpectation {
  checkTarget('consistentlyCluster', conn, namespace, name);
  return new ClusterExpectation(conn, objectRef(CNPG_CLUSTERS, namespace, name), 'consistently', options);
}
