/** Every matcher, one per file (jest-dom style), and the entry points that run them. */
export {
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
  NodeExpectation,
  PodExpectation,
  PodSetExpectation,
  PvcExpectation,
} from './entry-points.ts';
export {
  type ExpectationOptions,
  type Mode,
  ObjectExpectation,
  SetExpectation,
} from './object-expectation.ts';
export { nodeRef, type ObjectRef, objectRef, podRef, podsRef, pvcRef, type SetRef, setRef } from './refs.ts';
export type { RescheduleOptions } from './reschedule-facts.ts';
export {
  type OutcomeExpectation,
  type StorageExpectationAnswer,
  type StorageExpectationRequest,
  type StorageExpectationResolver,
  setStorageExpectationResolver,
  storageProfileExpectation,
} from './storage-expectation.ts';
export { toAllBeOffNode } from './to-all-be-off-node.ts';
export { toAllBeReady } from './to-all-be-ready.ts';
export { toBeBound } from './to-be-bound.ts';
export { toBeCordoned } from './to-be-cordoned.ts';
export { toBeDeleted } from './to-be-deleted.ts';
export { toBeOnNode } from './to-be-on-node.ts';
export { toBePending } from './to-be-pending.ts';
export { toBeReady } from './to-be-ready.ts';
export { type Rescheduled, toBeRescheduled } from './to-be-rescheduled.ts';
export {
  type PendingOutcome,
  type RescheduledOrPendingOptions,
  type RescheduleOutcome,
  toBeRescheduledOrPending,
} from './to-be-rescheduled-or-pending.ts';
export { toBeRunning } from './to-be-running.ts';
export { toBeScheduled } from './to-be-scheduled.ts';
export { toBeUnschedulable } from './to-be-unschedulable.ts';
export { type ConditionExpectation, toHaveCondition } from './to-have-condition.ts';
export { toHaveCount } from './to-have-count.ts';
export { toExist } from './to-exist.ts';
export { toHavePhase } from './to-have-phase.ts';
export { toKeepUid } from './to-keep-uid.ts';
export { toSatisfy } from './to-satisfy.ts';
export { type Mismatch, type Shape, shapeMismatches } from './object-shape.ts';
export { toMatchObject } from './to-match-object.ts';
export { toAllKeepRestartCounts } from './to-all-keep-restart-counts.ts';
export { toKeepRestartCounts } from './to-keep-restart-counts.ts';
export { claimNamesOf, observePodWithClaims, type PodWithClaims } from './pod-claims-observation.ts';
export { type ReuseClaimsOptions, toReuseClaims } from './to-reuse-claims.ts';
export {
  consistentlyEvents,
  type EventQuery,
  EventsExpectation,
  eventuallyEvents,
} from './events-entry-point.ts';
export { type EmittedFilter, toBeEmitted } from './to-be-emitted.ts';
export { deploymentAvailable } from './deployment-available.ts';
export { deploymentRolledOut } from './deployment-rolled-out.ts';
export { jobComplete } from './job-complete.ts';
export { type JobOutcome, jobFinished } from './job-finished.ts';
export { type JobFailure, type JobFailureExpectation, jobFailed } from './job-failed.ts';
export { statefulSetReady } from './statefulset-ready.ts';
export { statefulSetRolledOut } from './statefulset-rolled-out.ts';
export {
  consistentlyDeployment,
  consistentlyJob,
  consistentlyStatefulSet,
  DeploymentExpectation,
  eventuallyDeployment,
  eventuallyJob,
  eventuallyStatefulSet,
  JobExpectation,
  StatefulSetExpectation,
} from './workload-entry-points.ts';
export {
  DEPLOYMENTS,
  deploymentRef,
  EVENTS,
  JOBS,
  jobRef,
  STATEFULSETS,
  statefulSetRef,
} from './workload-refs.ts';
