/**
 * The matcher shape every assertion uses (Gomega's three small things, TypeScript-style): a name,
 * the expectation in words, and a test that judges one state and explains itself.
 */

/** The judgement of one state. `reason` says what was seen, in words a stranger can read. */
export type Verdict<R> =
  | { pass: true; value: R; reason: string }
  | {
      pass: false;
      reason: string;
      /** The state can no longer turn into a pass (e.g. the pod came back to the drained node): stop waiting. */
      final?: boolean;
      /**
       * The question does not apply to this object (e.g. the pod was never on the node it is said to
       * leave): a failure under `.not` too, never turned into a pass.
       */
      premise?: boolean;
    };

export interface MatcherDefinition<S, R> {
  /** The matcher's name as users call it, e.g. `toBeReady`. */
  name: string;
  /** The expectation, completing "expected pod ns/x …", e.g. `to be Ready`, `to be on node kind-worker`. */
  expectation: string;
  /** Judges one state (the state at one change, or the current one). Must not throw for any state. */
  test(state: S): Verdict<R>;
  /** False for matchers whose negation makes no sense (elastic outcomes). Default true. */
  negatable?: boolean;
}

export const pass = <R>(value: R, reason: string): Verdict<R> => ({ pass: true, value, reason });
export const fail = <R = never>(reason: string, final = false): Verdict<R> =>
  final ? { pass: false, reason, final } : { pass: false, reason };

/** A wrong premise: the matcher cannot judge this object, with or without `.not`; stop waiting. */
export const wrongPremiseFailure = <R = never>(reason: string): Verdict<R> => ({
  pass: false,
  reason,
  final: true,
  premise: true,
});

/** The negation of a matcher: `not to be Ready`. Resolves to what `project` makes of the state. */
export function negate<S, R, P>(
  def: MatcherDefinition<S, R>,
  project: (state: S) => P,
): MatcherDefinition<S, P> {
  if (def.negatable === false) {
    throw new TypeError(`${def.name} cannot be negated with .not: it already names every acceptable outcome`);
  }
  return {
    name: `not.${def.name}`,
    expectation: def.expectation.startsWith('to ') ? `not ${def.expectation}` : `not (${def.expectation})`,
    test(state) {
      const v = def.test(state);
      if (!v.pass && v.premise) return v;
      return v.pass ? fail(v.reason) : pass(project(state), v.reason);
    },
  };
}
