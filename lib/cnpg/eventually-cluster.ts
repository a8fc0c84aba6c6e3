/**
 * eventuallyCluster / consistentlyCluster: the Cluster matchers on the same wait engine and shared
 * watch caches as the pod matchers, so failures read the same and show the Cluster's trajectory.
 */
import type { Connection } from '../client/index.ts';
import {
  type Assertion,
  consistentlyMatch,
  eventuallyMatch,
  type HoldOptions,
  type MatcherDefinition,
  type Observation,
  type ObjectState,
  observeObject,
  type WaitOptions,
} from '../expect/index.ts';
import { describeCluster } from './matchers/describe-cluster.ts';
import { toBeInPhase } from './matchers/to-be-in-phase.ts';
import { toBeReady } from './matchers/to-be-ready.ts';
import { toHavePrimary } from './matchers/to-have-primary.ts';
import { toHavePrimaryOtherThan } from './matchers/to-have-primary-other-than.ts';
import { toHaveReadyInstances } from './matchers/to-have-ready-instances.ts';
import { CNPG_CLUSTERS, type CnpgCluster } from './types.ts';

export interface ClusterAssertions {
  /** Phase "Cluster in healthy state" and readyInstances == spec.instances. */
  toBeReady(): Assertion<CnpgCluster>;
  /** A settled primary (currentPrimary == targetPrimary), `instance` when given; resolves to its name. */
  toHavePrimary(instance?: string): Assertion<string>;
  /** A settled primary that is not `former`; resolves to its name. */
  toHavePrimaryOtherThan(former: string): Assertion<string>;
  toHaveReadyInstances(count: number): Assertion<CnpgCluster>;
  toBeInPhase(phase: string): Assertion<CnpgCluster>;
}

type ClusterState = ObjectState<CnpgCluster>;

function checkTarget(what: string, conn: Connection, namespace: string, name: string): void {
  if (!conn || typeof conn.call !== 'function')
    throw new TypeError(`${what}: the first argument must be a Connection from connect()`);
  if (typeof namespace !== 'string' || namespace === '')
    throw new TypeError(`${what}: the namespace must be a non-empty string`);
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`${what}: the cluster name must be a non-empty string`);
}

/** The pod-style observation of a Cluster, with the cluster's own one-line description. */
function observeCluster(conn: Connection, namespace: string, name: string): Observation<ClusterState> {
  const inner = observeObject<CnpgCluster>(conn, CNPG_CLUSTERS, namespace, name);
  return {
    subject: inner.subject,
    get synced() {
      return inner.synced;
    },
    get finalError() {
      return inner.finalError;
    },
    state: () => inner.state(),
    subscribe: (onState) => inner.subscribe(onState),
    describe: (s) => describeCluster(s.object),
    trajectory: (origin) => inner.trajectory(origin),
    lastError: (since) => inner.lastError(since),
    events: (limit) => inner.events(limit),
    close: () => inner.close(),
  };
}

function assertions(
  mode: 'eventuallyCluster' | 'consistentlyCluster',
  conn: Connection,
  namespace: string,
  name: string,
  run: <R>(description: string, matcher: MatcherDefinition<ClusterState, R>) => Assertion<R>,
): ClusterAssertions {
  checkTarget(mode, conn, namespace, name);
  const d = (call: string) => `${mode}(${namespace}/${name}).${call}`;
  return {
    toBeReady: () => run(d('toBeReady()'), toBeReady()),
    toHavePrimary: (instance) => run(d(`toHavePrimary(${instance ?? ''})`), toHavePrimary(instance)),
    toHavePrimaryOtherThan: (former) =>
      run(d(`toHavePrimaryOtherThan(${former})`), toHavePrimaryOtherThan(former)),
    toHaveReadyInstances: (count) => run(d(`toHaveReadyInstances(${count})`), toHaveReadyInstances(count)),
    toBeInPhase: (phase) => run(d(`toBeInPhase(${phase})`), toBeInPhase(phase)),
  };
}

/** Waits until the CloudNativePG Cluster `namespace/name` matches; `timeout` defaults to the `default` budget. */
export function eventuallyCluster(
  conn: Connection,
  namespace: string,
  name: string,
  options: WaitOptions = {},
): ClusterAssertions {
  return assertions('eventuallyCluster', conn, namespace, name, (description, matcher) =>
    eventuallyMatch(description, () => observeCluster(conn, namespace, name), matcher, options),
  );
}

/** Checks that the Cluster matches for the whole duration (`for`, default the `consistently` budget). */
export function consistentlyCluster(
  conn: Connection,
  namespace: string,
  name: string,
  options: HoldOptions = {},
): ClusterAssertions {
  return assertions('consistentlyCluster', conn, namespace, name, (description, matcher) =>
    consistentlyMatch(description, () => observeCluster(conn, namespace, name), matcher, options),
  );
}
