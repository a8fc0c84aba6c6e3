/** kubexpect/dsl: Ginkgo-like structure for mocha specs. */
export { DeferCleanup } from './cleanup.ts';
export { ContinueOnFailure, type Decorator, Label, Ordered, Serial, SpecTimeout } from './decorators.ts';
export { type LabelFilter, parseLabelFilter } from './label-filter.ts';
export {
  AfterAll,
  AfterEach,
  BeforeAll,
  BeforeEach,
  type ContainerBody,
  Context,
  Describe,
  It,
  type NodeBody,
  Skip,
  When,
} from './nodes.ts';
export type { DiagnosticSource } from './scope.ts';
export { DSL_PATH, type NestedRunOptions, type NestedRunResult, runNestedSpecs } from './run-nested.ts';
export { By } from './steps.ts';
export { type DiagnoseOptions, DiagnoseOnFailure } from './diagnose-on-failure.ts';
export { describeNamespaceState } from './namespace-state.ts';
export {
  type ClusterTarget,
  EMBEDDED_PRESETS,
  EMBEDDED_SEED,
  EMBEDDED_SLOW_FACTOR,
  EMBEDDED_TIME_SCALE,
  type EmbeddedPreset,
  OnEachCluster,
  type TargetMode,
  targetMode,
} from './clusters.ts';
export { type UseTestNamespaceOptions, useTestNamespace } from './test-namespace.ts';
