/**
 * kubexpect/chai: the same watch-driven matchers in chai style, next to chai-as-promised (whose
 * `eventually` this plugin leaves alone: kubexpect's chains are `soon` and `always`).
 *
 *   import * as chai from 'chai';
 *   import { kubexpectChai, pod, pods } from 'kubexpect/chai';
 *   chai.use(kubexpectChai);
 *   await chai.expect(pod(conn, ns, 'web-0')).to.soon.be.ready();
 *   await chai.expect(pod(conn, ns, 'web-0')).to.always.be.onNode('worker-2').during('10s');  // see during()
 *   await chai.expect(pods(conn, ns, { labelSelector: 'app=db' })).to.soon.have.count(3);
 */
import type {
  CoreV1Event,
  KubernetesObject,
  V1Deployment,
  V1Job,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import { type Assertion, type Predicate, registerMochaRunnerTimeout } from '../expect/index.ts';
import {
  type ConditionExpectation,
  consistently,
  DeploymentExpectation,
  deploymentRef,
  type EventQuery,
  EventsExpectation,
  type ExpectationOptions,
  eventually,
  type JobFailure,
  type JobFailureExpectation,
  type JobOutcome,
  JobExpectation,
  jobRef,
  NodeExpectation,
  nodeRef,
  ObjectExpectation,
  type ObjectRef,
  PodExpectation,
  PodSetExpectation,
  podRef,
  podsRef,
  PvcExpectation,
  pvcRef,
  type RescheduledOrPendingOptions,
  type ReuseClaimsOptions,
  type RescheduleOptions,
  type RescheduleOutcome,
  type Rescheduled,
  SetExpectation,
  type SetRef,
  type Shape,
  StatefulSetExpectation,
  statefulSetRef,
} from '../matchers/index.ts';
import type { TimeoutSpec } from '../timeouts/index.ts';

const SUBJECT = Symbol.for('kubexpect.chai.subject');

type Mode = 'eventually' | 'consistently';

/** Any kubexpect builder a subject stands for. */
type Builder = ObjectExpectation<KubernetesObject, unknown> | SetExpectation<KubernetesObject, unknown>;

/**
 * What `expect(…)` is given: a reference (checked when made), the connection, and the builder it
 * stands for in each mode — the same builder the entry points return, so nothing is dispatched by name.
 */
export interface Subject {
  readonly [SUBJECT]: true;
  readonly conn: Connection;
  readonly ref: ObjectRef | SetRef;
  builder(mode: Mode, options: ExpectationOptions): Builder;
}

function subject(
  conn: Connection,
  ref: ObjectRef | SetRef,
  builder: (mode: Mode, options: ExpectationOptions) => Builder,
): Subject {
  return { [SUBJECT]: true, conn, ref, builder };
}

/** A pod, for `expect(pod(conn, ns, name)).to.soon…`. */
export const pod = (conn: Connection, namespace: string, name: string): Subject => {
  const ref = podRef(namespace, name);
  return subject(conn, ref, (mode, options) => new PodExpectation(conn, ref, mode, options) as Builder);
};
export const pods = (
  conn: Connection,
  namespace: string,
  selector: { labelSelector?: string; fieldSelector?: string },
): Subject => {
  const ref = podsRef(namespace, selector);
  return subject(conn, ref, (mode, options) => new PodSetExpectation(conn, ref, mode, options) as Builder);
};
export const pvc = (conn: Connection, namespace: string, name: string): Subject => {
  const ref = pvcRef(namespace, name);
  return subject(conn, ref, (mode, options) => new PvcExpectation(conn, ref, mode, options) as Builder);
};
export const node = (conn: Connection, name: string): Subject => {
  const ref = nodeRef(name);
  return subject(conn, ref, (mode, options) => new NodeExpectation(conn, ref, mode, options) as Builder);
};
export const deployment = (conn: Connection, namespace: string, name: string): Subject => {
  const ref = deploymentRef(namespace, name);
  return subject(
    conn,
    ref,
    (mode, options) => new DeploymentExpectation(conn, ref, mode, options) as Builder,
  );
};
export const statefulSet = (conn: Connection, namespace: string, name: string): Subject => {
  const ref = statefulSetRef(namespace, name);
  return subject(
    conn,
    ref,
    (mode, options) => new StatefulSetExpectation(conn, ref, mode, options) as Builder,
  );
};
export const job = (conn: Connection, namespace: string, name: string): Subject => {
  const ref = jobRef(namespace, name);
  return subject(conn, ref, (mode, options) => new JobExpectation(conn, ref, mode, options) as Builder);
};
/** Events about an object: `expect(events(conn, ns, { involvedObject, reason })).to.soon.be.emitted()`. */
export const events = (conn: Connection, namespace: string, query: EventQuery): Subject => {
  const { ref } = new EventsExpectation(conn, namespace, query, 'eventually'); // checks the query now
  return subject(
    conn,
    ref,
    (mode, options) => new EventsExpectation(conn, namespace, query, mode, options) as Builder,
  );
};
/** Any object reference (see objectRef/resourceKind in kubexpect). */
export const object = (conn: Connection, ref: ObjectRef): Subject =>
  subject(conn, ref, (mode, options) =>
    mode === 'eventually' ? eventually(conn, ref, options) : consistently(conn, ref, options),
  );

/** The chain after `.soon` / `.always`. Methods resolve like the kubexpect entry points. */
export interface KubeChain {
  to: KubeChain;
  be: KubeChain;
  have: KubeChain;
  all: KubeChain;
  not: KubeChain;
  /** Budget of `.soon` (a budget name or a duration). */
  within(timeout: TimeoutSpec): KubeChain;
  /** Duration of `.always`. */
  during(duration: TimeoutSpec): KubeChain;
  exist: Assertion<KubernetesObject>;
  deleted(): Assertion<undefined>;
  pending(): Assertion<V1Pod>;
  scheduled(): Assertion<V1Pod>;
  unschedulable(): Assertion<V1Pod>;
  running(): Assertion<V1Pod>;
  ready(): Assertion<V1Pod>;
  onNode(node: string): Assertion<V1Pod>;
  rescheduled(options: RescheduleOptions): Assertion<Rescheduled>;
  rescheduledOrPending(options: RescheduledOrPendingOptions): Assertion<RescheduleOutcome>;
  phase(phase: string): Assertion<KubernetesObject>;
  condition(type: string, expected?: ConditionExpectation): Assertion<KubernetesObject>;
  satisfy(
    check: Predicate<KubernetesObject> | ((o: KubernetesObject) => boolean),
    description?: string,
  ): Assertion<KubernetesObject>;
  uid(baseline: KubernetesObject | string): Assertion<KubernetesObject>;
  bound(): Assertion<V1PersistentVolumeClaim>;
  cordoned(): Assertion<V1Node>;
  count(n: number): Assertion<KubernetesObject[]>;
  readyPods(): Assertion<V1Pod[]>;
  offNode(node: string): Assertion<V1Pod[]>;
  /** Any object: a partial shape; the failure shows the differing paths. */
  matchObject(shape: { readonly [key: string]: Shape }): Assertion<KubernetesObject>;
  /** Deployments and StatefulSets: what `kubectl rollout status` checks. */
  rolledOut(): Assertion<V1Deployment | V1StatefulSet>;
  available(): Assertion<V1Deployment>;
  complete(): Assertion<V1Job>;
  failed(expected?: JobFailureExpectation): Assertion<JobFailure>;
  /** Elastic: Complete or Failed, resolving to which. */
  finished(): Assertion<JobOutcome>;
  emitted(): Assertion<CoreV1Event[]>;
  /** Pods and sets of pods: no container restarted. */
  keepRestartCounts(baseline?: V1Pod): Assertion<V1Pod | V1Pod[]>;
  reuseClaims(options: ReuseClaimsOptions): Assertion<V1Pod>;
}

declare global {
  namespace Chai {
    interface Assertion {
      /** kubexpect: wait until the object matches (watch-driven eventually). */
      soon: KubeChain;
      /** kubexpect: check that the object matches throughout (consistently). */
      always: KubeChain;
    }
  }
}

interface ChaiLike {
  Assertion: {
    addProperty(name: string, getter: (this: object) => unknown): void;
    addMethod(name: string, method: (this: object, ...args: never[]) => unknown): void;
    overwriteMethod(
      name: string,
      method: (_super: (...args: unknown[]) => unknown) => (this: object, ...args: unknown[]) => unknown,
    ): void;
    overwriteProperty(name: string, getter: (_super: () => unknown) => (this: object) => unknown): void;
  };
}
interface UtilsLike {
  flag(obj: object, key: string, value?: unknown): unknown;
}

/** A chai method: the builder class it applies to, and the builder method it calls. */
interface ChaiMethod {
  readonly on: abstract new (...args: never[]) => Builder;
  readonly call: (builder: Builder, args: readonly unknown[]) => Assertion<unknown>;
}

function method<B extends Builder>(
  on: abstract new (...args: never[]) => B,
  call: (builder: B, args: readonly unknown[]) => Assertion<unknown>,
): ChaiMethod {
  return { on, call: call as ChaiMethod['call'] };
}

/** chai name → builder method (one per builder class it applies to); arguments are checked by the builder methods. */
const METHODS: Readonly<Record<string, ChaiMethod | readonly ChaiMethod[]>> = {
  exist: method(ObjectExpectation, (b) => b.toExist()),
  deleted: method(ObjectExpectation, (b) => b.toBeDeleted()),
  phase: method(ObjectExpectation, (b, [phase]) => b.toHavePhase(phase as string)),
  condition: method(ObjectExpectation, (b, [type, expected]) =>
    b.toHaveCondition(type as string, expected as ConditionExpectation | undefined),
  ),
  satisfy: method(ObjectExpectation, (b, [check, description]) =>
    b.toSatisfy(check as Predicate<KubernetesObject>, description as string | undefined),
  ),
  uid: method(ObjectExpectation, (b, [baseline]) => b.toKeepUid(baseline as KubernetesObject | string)),
  pending: method(PodExpectation, (b) => b.toBePending()),
  scheduled: method(PodExpectation, (b) => b.toBeScheduled()),
  unschedulable: method(PodExpectation, (b) => b.toBeUnschedulable()),
  running: method(PodExpectation, (b) => b.toBeRunning()),
  ready: [method(PodExpectation, (b) => b.toBeReady()), method(StatefulSetExpectation, (b) => b.toBeReady())],
  onNode: method(PodExpectation, (b, [name]) => b.toBeOnNode(name as string)),
  rescheduled: method(PodExpectation, (b, [options]) => b.toBeRescheduled(options as RescheduleOptions)),
  rescheduledOrPending: method(PodExpectation, (b, [options]) =>
    b.toBeRescheduledOrPending(options as RescheduledOrPendingOptions),
  ),
  bound: method(PvcExpectation, (b) => b.toBeBound()),
  cordoned: method(NodeExpectation, (b) => b.toBeCordoned()),
  count: method(SetExpectation, (b, [n]) => b.toHaveCount(n as number)),
  readyPods: method(PodSetExpectation, (b) => b.toAllBeReady()),
  offNode: method(PodSetExpectation, (b, [name]) => b.toAllBeOffNode(name as string)),
  matchObject: method(ObjectExpectation, (b, [shape]) => b.toMatchObject(shape as { [key: string]: Shape })),
  rolledOut: [
    method(DeploymentExpectation, (b) => b.toBeRolledOut()),
    method(StatefulSetExpectation, (b) => b.toBeRolledOut()),
  ],
  available: method(DeploymentExpectation, (b) => b.toBeAvailable()),
  complete: method(JobExpectation, (b) => b.toComplete()),
  failed: method(JobExpectation, (b, [expected]) => b.toFail(expected as JobFailureExpectation | undefined)),
  finished: method(JobExpectation, (b) => b.toFinish()),
  emitted: method(EventsExpectation, (b) => b.toBeEmitted()),
  keepRestartCounts: [
    method(PodExpectation, (b, [baseline]) => b.toKeepRestartCounts(baseline as V1Pod | undefined)),
    method(PodSetExpectation, (b) => b.toAllKeepRestartCounts()),
  ],
  reuseClaims: method(PodExpectation, (b, [options]) => b.toReuseClaims(options as ReuseClaimsOptions)),
};

/** `pod`, `node`, `pods` …: the subject as messages name it. */
function subjectNoun(s: Subject): string {
  return s.ref.kind === 'set' ? s.ref.resource.plural : s.ref.resource.kind.toLowerCase();
}

/** The plugin: `chai.use(kubexpectChai)`. */
export function kubexpectChai(chaiStatic: object, chaiUtils: object): void {
  registerMochaRunnerTimeout();
  const A = (chaiStatic as ChaiLike).Assertion;
  const utils = chaiUtils as UtilsLike;
  const modeOf = (a: object) => utils.flag(a, 'kubexpect.mode') as Mode | undefined;
  const subjectOf = (a: object, name: string): Subject => {
    const s = utils.flag(a, 'object') as Subject | undefined;
    if (!s || typeof s !== 'object' || !(SUBJECT in s)) {
      throw new TypeError(
        `kubexpect/chai: .${name} needs a subject from pod(), pods(), pvc(), node(), deployment(), statefulSet(), job(), events() or object()`,
      );
    }
    return s;
  };
  const run = (a: object, name: string, args: unknown[]) => {
    const mode = modeOf(a)!;
    const s = subjectOf(a, name);
    const options: ExpectationOptions = {};
    const t = utils.flag(a, 'kubexpect.time') as TimeoutSpec | undefined;
    if (t !== undefined) {
      if (mode === 'eventually') options.timeout = t;
      else options.for = t;
    }
    const built = s.builder(mode, options);
    const m = [METHODS[name] ?? []].flat().find((c) => built instanceof c.on);
    if (!m) {
      throw new TypeError(`kubexpect/chai: .${name}() does not apply to a ${subjectNoun(s)} subject`);
    }
    const b = utils.flag(a, 'negate') ? (built.not as Builder) : built;
    return m.call(b, args);
  };

  A.addProperty('soon', function (this: object) {
    utils.flag(this, 'kubexpect.mode', 'eventually');
  });
  A.addProperty('always', function (this: object) {
    utils.flag(this, 'kubexpect.mode', 'consistently');
  });
  // Methods chai (or another plugin) already has keep working outside .soon/.always (chai's
  // within(start, finish), satisfy(fn)…); the others say what they follow.
  const proto = (A as unknown as { prototype: object }).prototype;
  const define = (name: string, impl: (a: object, args: unknown[]) => unknown) => {
    if (name in proto) {
      A.overwriteMethod(
        name,
        (_super) =>
          function (this: object, ...args: unknown[]) {
            if (!modeOf(this)) return _super.apply(this, args);
            return impl(this, args);
          },
      );
    } else {
      A.addMethod(name, function (this: object, ...args: never[]) {
        if (!modeOf(this)) {
          throw new TypeError(
            `kubexpect/chai: .${name}() follows .soon (eventually) or .always (consistently)`,
          );
        }
        return impl(this, args);
      });
    }
  };
  define('within', (a, [timeout]) => {
    if (modeOf(a) !== 'eventually') throw new TypeError('kubexpect/chai: .within() follows .soon');
    utils.flag(a, 'kubexpect.time', timeout);
    return a;
  });
  define('during', (a, [duration]) => {
    if (modeOf(a) !== 'consistently') throw new TypeError('kubexpect/chai: .during() follows .always');
    utils.flag(a, 'kubexpect.time', duration);
    return a;
  });
  // chai calls an overwriting getter with _super first; it returns the getter proper.
  A.overwriteProperty(
    'exist',
    ((_super: () => unknown) =>
      function (this: object) {
        if (!modeOf(this)) return _super.call(this);
        return run(this, 'exist', []) as unknown;
      }) as never,
  );
  for (const name of Object.keys(METHODS)) {
    if (name !== 'exist') define(name, (a, args) => run(a, name, args));
  }
}

// Under mocha, a wait whose budget outlasts the test's timeout says so at once (see lib/expect/runner-timeout.ts).
registerMochaRunnerTimeout();
