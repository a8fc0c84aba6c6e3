/**
 * The fluent builders: `eventually…(conn, …).toX()` and `consistently…(conn, …).toX()`. Each
 * method picks a matcher definition and hands it to the one engine; `.not` negates. Bad input
 * throws at the call, before any waiting.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { Connection } from '../client/index.ts';
import {
  type Assertion,
  consistentlyMatch,
  eventuallyMatch,
  type HoldOptions,
  type MatcherDefinition,
  negate,
  type ObjectState,
  type Observation,
  observeObject,
  observeSet,
  type Predicate,
  type ResolvedWait,
  resolveWait,
  type SetState,
  type WaitOptions,
} from '../expect/index.ts';
import type { ObjectRef, SetRef } from './refs.ts';
import { toBeDeleted } from './to-be-deleted.ts';
import { type ConditionExpectation, toHaveCondition } from './to-have-condition.ts';
import { toHaveCount } from './to-have-count.ts';
import { toExist } from './to-exist.ts';
import { toHavePhase } from './to-have-phase.ts';
import { toKeepUid } from './to-keep-uid.ts';
import { toMatchObject } from './to-match-object.ts';
import type { Shape } from './object-shape.ts';
import { toSatisfy } from './to-satisfy.ts';

export type Mode = 'eventually' | 'consistently';

/** Options of eventually… (timeout) and consistently… (for) builders. */
export type ExpectationOptions = WaitOptions & Pick<HoldOptions, 'for'>;

export function checkConnection(conn: unknown, entry: string): Connection {
  if (!(conn instanceof Connection)) {
    throw new TypeError(`${entry}: the first argument must be a Connection from connect()`);
  }
  return conn;
}

/** Shared plumbing of object and set builders. */
abstract class Expectation<S, Self> {
  protected readonly conn: Connection;
  protected readonly mode: Mode;
  protected readonly options: ExpectationOptions;
  /** The options checked and resolved once, at the call; every matcher of this builder waits with it. */
  protected readonly wait: ResolvedWait;
  protected readonly negated: boolean;
  protected readonly label: string;

  constructor(conn: Connection, mode: Mode, options: ExpectationOptions, label: string, negated: boolean) {
    this.conn = conn;
    this.mode = mode;
    this.options = options;
    this.label = label;
    this.negated = negated;
    this.wait = resolveWait(options, mode);
  }

  protected abstract open(): Observation<S>;
  protected abstract project(state: S): unknown;

  /** The same expectation, negated: `eventuallyPod(…).not.toBeOnNode('a')`. */
  get not(): Self {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this, { negated: !this.negated });
    return copy as unknown as Self;
  }

  /**
   * Runs any matcher definition (the extension point for custom matchers, e.g. CNPG's cluster
   * matchers): `eventually(conn, ref).toMatch(myMatcher)`.
   */
  toMatch<R>(definition: MatcherDefinition<S, R>): Assertion<R> {
    if (!definition || typeof definition.test !== 'function' || typeof definition.expectation !== 'string') {
      throw new TypeError('toMatch: expected a matcher definition { name, expectation, test(state) }');
    }
    return this.run(
      definition,
      () => this.open(),
      (s) => this.project(s),
    );
  }

  /** Runs a matcher over another observation of the same subject (e.g. a pod with its claims). */
  protected run<O, R>(
    definition: MatcherDefinition<O, R>,
    open: () => Observation<O>,
    project: (state: O) => unknown,
  ): Assertion<R> {
    const def = this.negated ? (negate(definition, project) as MatcherDefinition<O, R>) : definition;
    const description = `${this.mode}${this.label}.${def.name}()`;
    return this.mode === 'eventually'
      ? eventuallyMatch(description, open, def, this.wait)
      : consistentlyMatch(description, open, def, this.wait);
  }

  /** Like toMatch, for matchers that need an asynchronous look at the cluster first (eventually only). */
  protected toMatchLater<R>(
    name: string,
    build: () => Promise<MatcherDefinition<S, R>>,
    expectation?: string,
  ): Assertion<R> {
    if (this.mode !== 'eventually')
      throw new TypeError(`${name} is an eventually matcher; it cannot be used with consistently`);
    if (this.negated)
      throw new TypeError(`${name} cannot be negated with .not: it already names every acceptable outcome`);
    const later = expectation === undefined ? build : Object.assign(() => build(), { expectation });
    return eventuallyMatch(`${this.mode}${this.label}.${name}()`, () => this.open(), later, this.wait);
  }
}

/** Expectations on one named object of any kind. */
export class ObjectExpectation<
  T extends KubernetesObject,
  Self = ObjectExpectation<T, unknown>,
> extends Expectation<ObjectState<T>, Self> {
  readonly ref: ObjectRef<T>;

  constructor(
    conn: Connection,
    ref: ObjectRef<T>,
    mode: Mode,
    options: ExpectationOptions = {},
    negated = false,
  ) {
    const where = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    super(conn, mode, options, `${ref.resource.kind}(${where})`, negated);
    this.ref = ref;
  }

  protected open(): Observation<ObjectState<T>> {
    return observeObject<T>(this.conn, this.ref.resource, this.ref.namespace, this.ref.name);
  }

  protected project(state: ObjectState<T>): unknown {
    return state.object;
  }

  toExist(): Assertion<T> {
    return this.toMatch(toExist<T>());
  }

  toBeDeleted(): Assertion<undefined> {
    return this.toMatch(toBeDeleted<T>());
  }

  toHavePhase(phase: string): Assertion<T> {
    return this.toMatch(toHavePhase<T>(phase));
  }

  toHaveCondition(type: string, expected?: ConditionExpectation): Assertion<T> {
    return this.toMatch(toHaveCondition<T>(type, expected));
  }

  toSatisfy(check: Predicate<T> | ((object: T) => boolean), description?: string): Assertion<T> {
    return this.toMatch(toSatisfy<T>(check, description));
  }

  /** Matches a partial shape (nested objects, arrays by element, RegExp and predicate leaves); fails with a diff. */
  toMatchObject(shape: { readonly [key: string]: Shape }): Assertion<T> {
    return this.toMatch(toMatchObject<T>(shape));
  }

  /** Same instance (UID) as `baseline`. */
  toKeepUid(baseline: KubernetesObject | string): Assertion<T> {
    return this.toMatch(toKeepUid<T>(baseline));
  }
}

/** Expectations on the set a selector picks. */
export class SetExpectation<
  T extends KubernetesObject,
  Self = SetExpectation<T, unknown>,
> extends Expectation<SetState<T>, Self> {
  readonly ref: SetRef<T>;

  constructor(
    conn: Connection,
    ref: SetRef<T>,
    mode: Mode,
    options: ExpectationOptions = {},
    negated = false,
  ) {
    const sel = [ref.selector.labelSelector, ref.selector.fieldSelector].filter(Boolean).join(',');
    super(
      conn,
      mode,
      options,
      `${ref.resource.kind}s(${ref.namespace ?? '*'}${sel ? ` ${sel}` : ''})`,
      negated,
    );
    this.ref = ref;
  }

  protected open(): Observation<SetState<T>> {
    return observeSet<T>(this.conn, this.ref.resource, this.ref.namespace, this.ref.selector);
  }

  protected project(state: SetState<T>): unknown {
    return [...state.objects];
  }

  toHaveCount(count: number): Assertion<T[]> {
    return this.toMatch(toHaveCount<T>(count));
  }
}
