/** Actions on a cluster, all through the Kubernetes API: cordon, drain, labels, taints, namespaces, fixtures. */
export { cordon, uncordon, uncordonAll } from './cordon.ts';
export { type DrainOptions, type DrainProgress, drainNode } from './drain.ts';
export {
  DrainBlockedError,
  DrainError,
  type DrainResult,
  DrainTimeoutError,
  type EvictedPod,
  EvictionRefusedError,
  type PodName,
  type Refusal,
  type SkippedPod,
} from './drain-errors.ts';
export {
  type ApplyFixtureOptions,
  applyFixture,
  FixtureError,
  type FixtureDocument,
  parseManifests,
} from './fixtures.ts';
export {
  type CleanupOptions,
  createTestNamespace,
  type TestNamespace,
  type TestNamespaceOptions,
} from './namespaces.ts';
export { labelNode } from './node-labels.ts';
export { type Taint, type TaintEffect, taintNode, untaintNode } from './node-taints.ts';
export {
  DisruptionRefusedError,
  guardDisruption,
  TEST_CLUSTER_MARKER,
  type TargetVerdict,
  targetVerdict,
} from './target-guard.ts';
export { MissingTemplateVariablesError, substituteVariables } from './template.ts';
