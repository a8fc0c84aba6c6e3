/** kubexpect: race-proof, watch-driven assertions for Kubernetes end-to-end specs. */
export {
  type ClassifiedError,
  type Closeable,
  type ConnectOptions,
  Connection,
  classifyError,
  connect,
  type ErrorClass,
  KubeApiError,
  type RecordedError,
  type RetryPolicy,
} from './client/index.ts';
export * from './ops/index.ts';
export * from './storage/index.ts';
export {
  allOf,
  Assertion,
  anyOf,
  checkDanglingAssertions,
  consistentlyMatch,
  equals,
  eventuallyMatch,
  type FailureReport,
  failOnDanglingAssertions,
  field,
  type HoldOptions,
  KubeAssertionError,
  type MatcherDefinition,
  not,
  type ObjectState,
  type Observation,
  observeObject,
  observeSet,
  oneOf,
  type Predicate,
  type ProgressOptions,
  predicate,
  type SetState,
  type Verdict,
  type WaitOptions,
} from './expect/index.ts';
export * from './matchers/index.ts';
export {
  NODES,
  PODS,
  PVCS,
  type ResourceKind,
  resourceKind,
  type TrajectoryEntry,
} from './observe/index.ts';
export {
  BUDGET_NAMES,
  type BudgetName,
  DEFAULT_BUDGETS_SECONDS,
  type Duration,
  parseDuration,
  resolveTimeout,
  type TimeoutSpec,
} from './timeouts/index.ts';
