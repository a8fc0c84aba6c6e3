/**
 * The matchers kubexpect/jest and kubexpect/vitest register with `expect.extend`, as one table:
 * each row names the runner matcher, the kubexpect method it runs and how (eventually or
 * consistently), and its arguments' types. Both runners' Matchers interfaces are derived from it,
 * so a new matcher is one row here (see README, "Jest and Vitest").
 *
 *   await expect(pod(conn, ns, 'db-1')).toEventuallyBeReady({ timeout: '2m' });
 *   await expect(pod(conn, ns, 'db-1')).toConsistentlyBeOnNode('w2', { for: '10s' });
 *
 * Wait options (timeout, for, poll, signal, progress, events) go in the last argument, alone or
 * merged into the matcher's own options object (`{ from, timeout: 'drainNode' }`).
 */
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import { consistentlyCluster, eventuallyCluster } from '../cnpg/index.ts';
import { type HoldOptions, KubeAssertionError, type Predicate, type WaitOptions } from '../expect/index.ts';
import {
  type ConditionExpectation,
  consistently,
  consistentlyNode,
  consistentlyPod,
  consistentlyPods,
  consistentlyPvc,
  consistentlyDeployment,
  consistentlyEvents,
  consistentlyJob,
  consistentlyStatefulSet,
  type EventQuery,
  eventually,
  eventuallyDeployment,
  eventuallyEvents,
  eventuallyJob,
  eventuallyStatefulSet,
  eventuallyNode,
  eventuallyPod,
  eventuallyPods,
  eventuallyPvc,
  type ExpectationOptions,
  type JobFailureExpectation,
  type Mode,
  type ObjectRef,
  type RescheduledOrPendingOptions,
  type RescheduleOptions,
  type ReuseClaimsOptions,
  type Shape,
} from '../matchers/index.ts';

const SUBJECT = Symbol.for('kubexpect.runner.subject');

/** What `expect()` receives: a kind of object and how to build its eventually/consistently checks. */
export interface KubeSubject {
  readonly [SUBJECT]: string;
  /** `pod db/db-1`, for messages. */
  readonly label: string;
  /** The kubexpect builder (eventuallyPod(…), consistentlyCluster(…)…) for this subject. */
  expectation(mode: Mode, options: ExpectationOptions): object;
}

function subject(kind: string, label: string, build: KubeSubject['expectation']): KubeSubject {
  return Object.freeze({ [SUBJECT]: kind, label, expectation: build });
}

type Selector = { labelSelector?: string; fieldSelector?: string };

/** A pod: `expect(pod(conn, ns, 'db-1')).toEventuallyBeReady()`. */
export const pod = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('pod', `pod ${namespace}/${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyPod : consistentlyPod)(conn, namespace, name, o),
  );
/** The pods a selector picks: `expect(pods(conn, ns, { labelSelector: 'app=db' })).toEventuallyHaveCount(3)`. */
export const pods = (conn: Connection, namespace: string, selector: Selector): KubeSubject =>
  subject('pods', `pods in ${namespace}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyPods : consistentlyPods)(conn, namespace, selector, o),
  );
export const pvc = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('pvc', `PVC ${namespace}/${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyPvc : consistentlyPvc)(conn, namespace, name, o),
  );
export const node = (conn: Connection, name: string): KubeSubject =>
  subject('node', `node ${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyNode : consistentlyNode)(conn, name, o),
  );
/** Any object (see objectRef/resourceKind in kubexpect). */
export const object = (conn: Connection, ref: ObjectRef): KubeSubject =>
  subject(
    'object',
    `${ref.resource.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`,
    (mode, o) => (mode === 'eventually' ? eventually : consistently)(conn, ref, o),
  );
export const deployment = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('deployment', `deployment ${namespace}/${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyDeployment : consistentlyDeployment)(conn, namespace, name, o),
  );
export const statefulSet = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('statefulset', `statefulset ${namespace}/${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyStatefulSet : consistentlyStatefulSet)(conn, namespace, name, o),
  );
export const job = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('job', `job ${namespace}/${name}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyJob : consistentlyJob)(conn, namespace, name, o),
  );
/** Events: `expect(events(conn, ns, { involvedObject: podRef(ns, 'db-1'), reason: 'FailedScheduling' })).toEventuallyBeEmitted()`. */
export const events = (conn: Connection, namespace: string, query: EventQuery): KubeSubject =>
  subject('events', `events in ${namespace}`, (mode, o) =>
    (mode === 'eventually' ? eventuallyEvents : consistentlyEvents)(conn, namespace, query, o),
  );
/** A CloudNativePG Cluster: `expect(cluster(conn, ns, 'pg')).toEventuallyHaveReadyInstances(3)`. */
export const cluster = (conn: Connection, namespace: string, name: string): KubeSubject =>
  subject('cluster', `cluster ${namespace}/${name}`, (mode, o) =>
    mode === 'eventually'
      ? eventuallyCluster(conn, namespace, name, o as WaitOptions)
      : consistentlyCluster(conn, namespace, name, o as HoldOptions),
  );

/** A table row: the method it runs, how, and (as a type only) the runner matcher's arguments. */
export interface RunnerMatcher<Args extends unknown[] = unknown[]> {
  readonly mode: Mode;
  readonly method: string;
  /** Never set: carries the argument types into the Matchers interfaces. */
  readonly args?: Args;
}

// NoInfer: a row that names no argument types gets the defaults, not whatever the context suggests.
const soon = <Args extends unknown[] = [options?: WaitOptions]>(
  method: string,
): RunnerMatcher<NoInfer<Args>> => ({
  mode: 'eventually',
  method,
});
const always = <Args extends unknown[] = [options?: HoldOptions]>(
  method: string,
): RunnerMatcher<NoInfer<Args>> => ({
  mode: 'consistently',
  method,
});

type Check = Predicate<KubernetesObject> | ((object: KubernetesObject) => boolean);
type Baseline = KubernetesObject | string;
type ShapeOf = { readonly [key: string]: Shape };

/** Every runner matcher: one row each. The subject decides which builder runs the method. */
export const RUNNER_MATCHERS = {
  // any object
  toEventuallyExist: soon('toExist'),
  toEventuallyBeDeleted: soon('toBeDeleted'),
  toEventuallyHavePhase: soon<[phase: string, options?: WaitOptions]>('toHavePhase'),
  toEventuallyHaveCondition:
    soon<[type: string, expected?: ConditionExpectation & WaitOptions]>('toHaveCondition'),
  toEventuallySatisfy: soon<[check: Check, description?: string, options?: WaitOptions]>('toSatisfy'),
  toConsistentlyExist: always('toExist'),
  toConsistentlyHavePhase: always<[phase: string, options?: HoldOptions]>('toHavePhase'),
  toConsistentlyHaveCondition:
    always<[type: string, expected?: ConditionExpectation & HoldOptions]>('toHaveCondition'),
  toConsistentlySatisfy: always<[check: Check, description?: string, options?: HoldOptions]>('toSatisfy'),
  toConsistentlyKeepUid: always<[baseline: Baseline, options?: HoldOptions]>('toKeepUid'),
  toEventuallyMatchObject: soon<[shape: ShapeOf, options?: WaitOptions]>('toMatchObject'),
  toConsistentlyMatchObject: always<[shape: ShapeOf, options?: HoldOptions]>('toMatchObject'),
  // workloads: Deployments, StatefulSets (toEventuallyBeReady too), Jobs
  toEventuallyBeRolledOut: soon('toBeRolledOut'),
  toEventuallyBeAvailable: soon('toBeAvailable'),
  toConsistentlyBeAvailable: always('toBeAvailable'),
  toEventuallyComplete: soon('toComplete'),
  toEventuallyFail: soon<[expected?: JobFailureExpectation & WaitOptions]>('toFail'),
  toEventuallyFinish: soon('toFinish'),
  // events (with .not and consistently: never emitted)
  toEventuallyBeEmitted: soon('toBeEmitted'),
  toConsistentlyBeEmitted: always('toBeEmitted'),
  // pods
  toEventuallyBePending: soon('toBePending'),
  toEventuallyBeScheduled: soon('toBeScheduled'),
  toEventuallyBeUnschedulable: soon('toBeUnschedulable'),
  toEventuallyBeRunning: soon('toBeRunning'),
  /** Pods: Ready=True; CNPG clusters: healthy with every instance ready. */
  toEventuallyBeReady: soon('toBeReady'),
  toEventuallyBeOnNode: soon<[node: string, options?: WaitOptions]>('toBeOnNode'),
  toEventuallyBeRescheduled: soon<[options: RescheduleOptions & WaitOptions]>('toBeRescheduled'),
  /** The elastic matcher: a new instance that is Pending (unschedulable) or bound to another node. */
  toEventuallyBeRescheduledOrPending:
    soon<[options: RescheduledOrPendingOptions & WaitOptions]>('toBeRescheduledOrPending'),
  toConsistentlyBePending: always('toBePending'),
  toConsistentlyBeRunning: always('toBeRunning'),
  toConsistentlyBeReady: always('toBeReady'),
  toConsistentlyBeOnNode: always<[node: string, options?: HoldOptions]>('toBeOnNode'),
  toConsistentlyKeepRestartCounts: always<[baseline?: V1Pod, options?: HoldOptions]>('toKeepRestartCounts'),
  toEventuallyReuseClaims: soon<[options: ReuseClaimsOptions & WaitOptions]>('toReuseClaims'),
  // PVCs and nodes
  toEventuallyBeBound: soon('toBeBound'),
  toConsistentlyBeBound: always('toBeBound'),
  toEventuallyBeCordoned: soon('toBeCordoned'),
  toConsistentlyBeCordoned: always('toBeCordoned'),
  // sets of pods
  toEventuallyHaveCount: soon<[count: number, options?: WaitOptions]>('toHaveCount'),
  toEventuallyAllBeReady: soon('toAllBeReady'),
  toEventuallyAllBeOffNode: soon<[node: string, options?: WaitOptions]>('toAllBeOffNode'),
  toConsistentlyHaveCount: always<[count: number, options?: HoldOptions]>('toHaveCount'),
  toConsistentlyAllBeReady: always('toAllBeReady'),
  toConsistentlyAllBeOffNode: always<[node: string, options?: HoldOptions]>('toAllBeOffNode'),
  toConsistentlyAllKeepRestartCounts: always('toAllKeepRestartCounts'),
  // CloudNativePG clusters
  toEventuallyHavePrimary: soon<[instance?: string, options?: WaitOptions] | [options?: WaitOptions]>(
    'toHavePrimary',
  ),
  toEventuallyHavePrimaryOtherThan: soon<[former: string, options?: WaitOptions]>('toHavePrimaryOtherThan'),
  toEventuallyHaveReadyInstances: soon<[count: number, options?: WaitOptions]>('toHaveReadyInstances'),
  toEventuallyBeInPhase: soon<[phase: string, options?: WaitOptions]>('toBeInPhase'),
  toConsistentlyHavePrimary: always<[instance?: string, options?: HoldOptions] | [options?: HoldOptions]>(
    'toHavePrimary',
  ),
  toConsistentlyHaveReadyInstances: always<[count: number, options?: HoldOptions]>('toHaveReadyInstances'),
  toConsistentlyBeInPhase: always<[phase: string, options?: HoldOptions]>('toBeInPhase'),
} as const;

type ArgsOf<M> = M extends RunnerMatcher<infer A> ? A : never;

/** The runner matchers' signatures; kubexpect/jest and kubexpect/vitest add them to `expect`. */
export type KubexpectMatchers<R> = {
  [K in keyof typeof RUNNER_MATCHERS]: (...args: ArgsOf<(typeof RUNNER_MATCHERS)[K]>) => R;
};

const WAIT_KEYS: ReadonlySet<string> = new Set(['timeout', 'for', 'poll', 'signal', 'progress', 'events']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Splits the wait options out of the last argument (dropping it when it held nothing else). */
export function splitWaitOptions(args: readonly unknown[]): { args: unknown[]; options: ExpectationOptions } {
  const last = args.at(-1);
  if (!isPlainObject(last) || !Object.keys(last).some((k) => WAIT_KEYS.has(k))) {
    return { args: [...args], options: {} };
  }
  const options: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(last)) (WAIT_KEYS.has(k) ? options : rest)[k] = v;
  const kept = Object.keys(rest).length > 0 ? [...args.slice(0, -1), rest] : args.slice(0, -1);
  return { args: kept, options: options as ExpectationOptions };
}

function isSubject(value: unknown): value is KubeSubject {
  return typeof value === 'object' && value !== null && SUBJECT in value;
}

/** What a runner's matcher returns: pass, and the message the runner prints when it fails. */
export interface RunnerResult {
  pass: boolean;
  message: () => string;
}

/** Runs one row for a runner: `isNot` is the runner's `.not`. Failures carry kubexpect's own message. */
export async function runRunnerMatcher(
  runner: string,
  name: string,
  row: RunnerMatcher,
  received: unknown,
  rawArgs: readonly unknown[],
  isNot: boolean,
): Promise<RunnerResult> {
  if (!isSubject(received)) {
    throw new TypeError(
      `${name}: expect() needs a subject from kubexpect/${runner}: pod(), pods(), pvc(), node(), deployment(), statefulSet(), job(), events(), object() or cluster(); got ${typeof received === 'object' ? JSON.stringify(received)?.slice(0, 80) : String(received)}`,
    );
  }
  const { args, options } = splitWaitOptions(rawArgs);
  let target = received.expectation(row.mode, options) as Record<string, unknown>;
  if (isNot) {
    if (!('not' in target)) {
      throw new TypeError(`${name}: .not does not apply to a ${received[SUBJECT]} (${received.label})`);
    }
    target = target.not as Record<string, unknown>;
  }
  const method = target[row.method];
  if (typeof method !== 'function') {
    throw new TypeError(`${name} does not apply to a ${received[SUBJECT]} (${received.label})`);
  }
  try {
    await method.apply(target, args);
  } catch (err) {
    if (!(err instanceof KubeAssertionError || (err instanceof Error && err.name === 'AssertionError')))
      throw err;
    // Under .not the runner inverts pass, so a failed negated wait reports pass: true.
    return { pass: isNot, message: () => err.message };
  }
  const done = `${name}: the expectation on ${received.label} held`;
  return { pass: !isNot, message: () => done };
}

/** The object to give `expect.extend`: every row as a runner matcher. */
export function runnerMatchers(
  runner: string,
): Record<
  string,
  (this: { isNot?: boolean } | undefined, received: unknown, ...args: unknown[]) => Promise<RunnerResult>
> {
  return Object.fromEntries(
    Object.entries(RUNNER_MATCHERS).map(([name, row]) => [
      name,
      function (this: { isNot?: boolean } | undefined, received: unknown, ...args: unknown[]) {
        return runRunnerMatcher(runner, name, row, received, args, this?.isNot === true);
      },
    ]),
  );
}
