/** kubexpect/dsl: Ginkgo-like structure for mocha specs, with failure reports and cluster targets. */
export { DeferCleanup } from './cleanup.ts';
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
export { ContinueOnFailure, type Decorator, Label, Ordered, Serial, SpecTimeout } from './decorators.ts';
export { type DiagnoseOptions, DiagnoseOnFailure } from './diagnose-on-failure.ts';
export { type LabelFilter, parseLabelFilter } from './label-filter.ts';
export { describeNamespaceState } from './namespace-state.ts';
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
export { DSL_PATH, type NestedRunOptions, type NestedRunResult, runNestedSpecs } from './run-nested.ts';
export type { DiagnosticSource } from './scope.ts';
export { By } from './steps.ts';
export { type UseTestNamespaceOptions, useTestNamespace } from './test-namespace.ts';
