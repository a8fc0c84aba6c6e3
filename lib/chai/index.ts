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
import type { KubernetesObject, V1Node, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import type { Assertion, Predicate } from '../expect/index.ts';
import {
  type ConditionExpectation,
  consistently,
  consistentlyNode,
  consistentlyPod,
  consistentlyPods,
  consistentlyPvc,
  eventually,
  eventuallyNode,
  eventuallyPod,
  eventuallyPods,
  eventuallyPvc,
  type ExpectationOptions,
  type ObjectRef,
  type RescheduledOrPendingOptions,
  type RescheduleOptions,
  type RescheduleOutcome,
  type Rescheduled,
} from '../matchers/index.ts';
import type { TimeoutSpec } from '../timeouts/index.ts';

const SUBJECT = Symbol.for('kubexpect.chai.subject');

type Subject =
  | { [SUBJECT]: 'pod'; conn: Connection; namespace: string; name: string }
  | {
      [SUBJECT]: 'pods';
      conn: Connection;
      namespace: string;
      selector: { labelSelector?: string; fieldSelector?: string };
    }
  | { [SUBJECT]: 'pvc'; conn: Connection; namespace: string; name: string }
  | { [SUBJECT]: 'node'; conn: Connection; name: string }
  | { [SUBJECT]: 'object'; conn: Connection; ref: ObjectRef };

/** A pod, for `expect(pod(conn, ns, name)).to.soon…`. */
export const pod = (conn: Connection, namespace: string, name: string): Subject => ({
  [SUBJECT]: 'pod',
  conn,
  namespace,
  name,
});
export const pods = (
  conn: Connection,
  namespace: string,
  selector: { labelSelector?: string; fieldSelector?: string },
): Subject => ({ [SUBJECT]: 'pods', conn, namespace, selector });
export const pvc = (conn: Connection, namespace: string, name: string): Subject => ({
  [SUBJECT]: 'pvc',
  conn,
  namespace,
  name,
});
export const node = (conn: Connection, name: string): Subject => ({ [SUBJECT]: 'node', conn, name });
/** Any object reference (see objectRef/resourceKind in kubexpect). */
export const object = (conn: Connection, ref: ObjectRef): Subject => ({ [SUBJECT]: 'object', conn, ref });

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

type Mode = 'eventually' | 'consistently';

// biome-ignore lint/suspicious/noExplicitAny: the builders differ per kind; each method checks the kind it needs.
type AnyBuilder = any;

function builder(subject: Subject, mode: Mode, options: ExpectationOptions, negate: boolean): AnyBuilder {
  let b: AnyBuilder;
  switch (subject[SUBJECT]) {
    case 'pod':
      b = (mode === 'eventually' ? eventuallyPod : consistentlyPod)(
        subject.conn,
        subject.namespace,
        subject.name,
        options,
      );
      break;
    case 'pods':
      b = (mode === 'eventually' ? eventuallyPods : consistentlyPods)(
        subject.conn,
        subject.namespace,
        subject.selector,
        options,
      );
      break;
    case 'pvc':
      b = (mode === 'eventually' ? eventuallyPvc : consistentlyPvc)(
        subject.conn,
        subject.namespace,
        subject.name,
        options,
      );
      break;
    case 'node':
      b = (mode === 'eventually' ? eventuallyNode : consistentlyNode)(subject.conn, subject.name, options);
      break;
    case 'object':
      b = (mode === 'eventually' ? eventually : consistently)(subject.conn, subject.ref, options);
      break;
  }
  return negate ? b.not : b;
}

/** chai method name → kubexpect matcher method. */
const METHODS: Record<string, string> = {
  deleted: 'toBeDeleted',
  pending: 'toBePending',
  scheduled: 'toBeScheduled',
  unschedulable: 'toBeUnschedulable',
  running: 'toBeRunning',
  ready: 'toBeReady',
  onNode: 'toBeOnNode',
  rescheduled: 'toBeRescheduled',
  rescheduledOrPending: 'toBeRescheduledOrPending',
  phase: 'toHavePhase',
  condition: 'toHaveCondition',
  satisfy: 'toSatisfy',
  uid: 'toKeepUid',
  bound: 'toBeBound',
  cordoned: 'toBeCordoned',
  count: 'toHaveCount',
  readyPods: 'toAllBeReady',
  offNode: 'toAllBeOffNode',
};

/** The plugin: `chai.use(kubexpectChai)`. */
export function kubexpectChai(chaiStatic: object, chaiUtils: object): void {
  const A = (chaiStatic as ChaiLike).Assertion;
  const utils = chaiUtils as UtilsLike;
  const modeOf = (a: object) => utils.flag(a, 'kubexpect.mode') as Mode | undefined;
  const subjectOf = (a: object, name: string): Subject => {
    const s = utils.flag(a, 'object') as Subject | undefined;
    if (!s || typeof s !== 'object' || !(SUBJECT in s)) {
      throw new TypeError(
        `kubexpect/chai: .${name} needs a subject from pod(), pods(), pvc(), node() or object()`,
      );
    }
    return s;
  };
  const run = (a: object, name: string, args: unknown[]) => {
    const mode = modeOf(a)!;
    const subject = subjectOf(a, name);
    const options: ExpectationOptions = {};
    const t = utils.flag(a, 'kubexpect.time') as TimeoutSpec | undefined;
    if (t !== undefined) {
      if (mode === 'eventually') options.timeout = t;
      else options.for = t;
    }
    const b = builder(subject, mode, options, !!utils.flag(a, 'negate'));
    const method = name === 'exist' ? 'toExist' : (METHODS[name] ?? name);
    if (typeof b[method] !== 'function') {
      throw new TypeError(`kubexpect/chai: .${name}() does not apply to a ${subject[SUBJECT]} subject`);
    }
    return b[method](...args);
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
  for (const name of Object.keys(METHODS)) define(name, (a, args) => run(a, name, args));
}
