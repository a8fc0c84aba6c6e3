export { Assertion } from './assertion.ts';
export { checkDanglingAssertions, failOnDanglingAssertions } from './dangling.ts';
export {
  consistentlyMatch,
  eventuallyMatch,
  type HoldOptions,
  type LaterMatcher,
  type ResolvedWait,
  resolveWait,
  type WaitOptions,
} from './engine.ts';
export { type FailureKind, type FailureReport, failureMessage, KubeAssertionError } from './failure.ts';
export {
  describeObject,
  type Observation,
  type ObjectState,
  observeObject,
  observeSet,
  type SetState,
} from './observation.ts';
export {
  allOf,
  anyOf,
  equals,
  field,
  isPredicate,
  type Judgement,
  not,
  oneOf,
  type Predicate,
  predicate,
  readPath,
} from './predicates.ts';
export { type ProgressOptions, type ProgressSettings, progressLine, progressSettings } from './progress.ts';
import { registerMochaRunnerTimeout } from './mocha-runner-timeout.ts';

export { mochaHooks, mochaRunnerTimeout, registerMochaRunnerTimeout } from './mocha-runner-timeout.ts';
export {
  type RunnerTimeout,
  type RunnerTimeoutSource,
  runnerTimeoutHint,
  setRunnerTimeoutSource,
} from './runner-timeout.ts';
export {
  fail,
  type MatcherDefinition,
  negate,
  pass,
  type Verdict,
  wrongPremiseFailure,
} from './verdict.ts';

// Under mocha, a wait whose budget outlasts the test's timeout says so at once (runner-timeout.ts).
registerMochaRunnerTimeout();
