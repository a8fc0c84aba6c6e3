import type { V1Job } from '@kubernetes/client-node';
import { fail, type MatcherDefinition, type ObjectState, pass } from '../expect/index.ts';
import { jobSummary, trueCondition } from './workload-facts.ts';

/** What `toFail()` resolves to: why the Job failed (`BackoffLimitExceeded`, `DeadlineExceeded`…). */
export interface JobFailure {
  reason: string;
  message: string;
  job: V1Job;
}

export interface JobFailureExpectation {
  /** The failure reason expected (exact, or a pattern); any reason when absent. */
  reason?: string | RegExp;
}

/**
 * The Job has the Failed condition (with the expected reason). A Job that completes, or fails for
 * another reason, fails the wait at once: both endings are final.
 */
export function jobFailed(
  expected: JobFailureExpectation = {},
): MatcherDefinition<ObjectState<V1Job>, JobFailure> {
  if (expected === null || typeof expected !== 'object')
    throw new TypeError("toFail: expected options such as { reason: 'BackoffLimitExceeded' }");
  for (const key of Object.keys(expected)) {
    if (key !== 'reason') throw new TypeError(`toFail: unknown option '${key}'; known: reason`);
  }
  const want = expected.reason;
  if (want !== undefined && typeof want !== 'string' && !(want instanceof RegExp))
    throw new TypeError('toFail: reason must be a string or a RegExp');
  const fits = (r: string) => want === undefined || (typeof want === 'string' ? r === want : want.test(r));
  return {
    name: 'toFail',
    expectation: want === undefined ? 'to fail' : `to fail with reason ${String(want)}`,
    test({ object }) {
      if (!object) return fail('the job does not exist');
      const summary = jobSummary(object);
      if (trueCondition(object, 'Complete')) return fail(`it completed: ${summary}`, true);
      const failed = trueCondition(object, 'Failed');
      if (!failed) return fail(summary);
      if (!fits(failed.reason)) return fail(`it failed for another reason: ${summary}`, true);
      return pass({ ...failed, job: object }, summary);
    },
  };
}
