/** kubexpect/dsl: Ginkgo-like structure for mocha specs. */
export { DeferCleanup } from './cleanup.ts';
export { type Decorator, Label, Ordered, Serial, SpecTimeout } from './decorators.ts';
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
export { By } from './steps.ts';
export { type DiagnoseOptions, DiagnoseOnFailure, describeNamespaceState } from './cluster-state.ts';
