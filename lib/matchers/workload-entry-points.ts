/**
 * The workload entry points: eventuallyDeployment, eventuallyStatefulSet, eventuallyJob (and their
 * consistently twins), on the same builder, engine and shared watch caches as the pod ones.
 */
import type { V1Deployment, V1Job, V1StatefulSet } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import type { Assertion } from '../expect/index.ts';
import { deploymentAvailable } from './deployment-available.ts';
import { deploymentRolledOut } from './deployment-rolled-out.ts';
import { type JobFailure, type JobFailureExpectation, jobFailed } from './job-failed.ts';
import { jobComplete } from './job-complete.ts';
import { type JobOutcome, jobFinished } from './job-finished.ts';
import {
  checkConnection,
  type ExpectationOptions,
  type Mode,
  ObjectExpectation,
} from './object-expectation.ts';
import { statefulSetReady } from './statefulset-ready.ts';
import { statefulSetRolledOut } from './statefulset-rolled-out.ts';
import { deploymentRef, jobRef, statefulSetRef } from './workload-refs.ts';

export class DeploymentExpectation extends ObjectExpectation<V1Deployment, DeploymentExpectation> {
  /** What `kubectl rollout status` checks, for the current generation. */
  toBeRolledOut(): Assertion<V1Deployment> {
    return this.toMatch(deploymentRolledOut());
  }
  /** Available=True for the current generation. */
  toBeAvailable(): Assertion<V1Deployment> {
    return this.toMatch(deploymentAvailable());
  }
}

export class StatefulSetExpectation extends ObjectExpectation<V1StatefulSet, StatefulSetExpectation> {
  /** Every desired pod Ready, for the current generation. */
  toBeReady(): Assertion<V1StatefulSet> {
    return this.toMatch(statefulSetReady());
  }
  /** What `kubectl rollout status` checks (partition-aware; OnDelete fails at once). */
  toBeRolledOut(): Assertion<V1StatefulSet> {
    return this.toMatch(statefulSetRolledOut());
  }
}

export class JobExpectation extends ObjectExpectation<V1Job, JobExpectation> {
  /** Complete; a Job that fails meanwhile fails the wait at once. */
  toComplete(): Assertion<V1Job> {
    return this.toMatch(jobComplete());
  }
  /** Failed (with the reason, when given); resolves to `{ reason, message, job }`. */
  toFail(expected?: JobFailureExpectation): Assertion<JobFailure> {
    return this.toMatch(jobFailed(expected));
  }
  /** Elastic: Complete or Failed, resolving to `{ kind: 'complete' }` or `{ kind: 'failed', reason, message }`. */
  toFinish(): Assertion<JobOutcome> {
    return this.toMatch(jobFinished());
  }
}

const deployment =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, name: string, options?: ExpectationOptions) =>
    new DeploymentExpectation(checkConnection(conn, entry), deploymentRef(namespace, name), mode, options);

/** `await eventuallyDeployment(conn, ns, 'web').toBeRolledOut()` */
export const eventuallyDeployment = deployment('eventually', 'eventuallyDeployment');
export const consistentlyDeployment = deployment('consistently', 'consistentlyDeployment');

const statefulSet =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, name: string, options?: ExpectationOptions) =>
    new StatefulSetExpectation(checkConnection(conn, entry), statefulSetRef(namespace, name), mode, options);

/** `await eventuallyStatefulSet(conn, ns, 'db').toBeReady()` */
export const eventuallyStatefulSet = statefulSet('eventually', 'eventuallyStatefulSet');
export const consistentlyStatefulSet = statefulSet('consistently', 'consistentlyStatefulSet');

const job =
  (mode: Mode, entry: string) =>
  (conn: Connection, namespace: string, name: string, options?: ExpectationOptions) =>
    new JobExpectation(checkConnection(conn, entry), jobRef(namespace, name), mode, options);

/** `const { reason } = await eventuallyJob(conn, ns, 'migrate').toFail()` */
export const eventuallyJob = job('eventually', 'eventuallyJob');
export const consistentlyJob = job('consistently', 'consistentlyJob');
