/**
 * kubexpect/vitest: the watch-driven matchers on Vitest's `expect`. Put it in Vitest's setup,
 * `test: { setupFiles: ['kubexpect/vitest'] }`; importing it registers the matchers with
 * `expect.extend`, the un-awaited-assertion guard as an afterEach hook, and the runner-timeout check.
 *
 *   import { pod } from 'kubexpect/vitest';
 *   await expect(pod(conn, ns, 'db-1')).toEventuallyBeReady({ timeout: '2m' });
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { failOnDanglingAssertions } from '../expect/index.ts';
import { type KubexpectMatchers, runnerMatchers } from '../jest/runner-matchers.ts';
import { watchRunnerTimeouts } from '../jest/runner-timeouts.ts';

export {
  cluster,
  deployment,
  events,
  job,
  type KubeSubject,
  type KubexpectMatchers,
  node,
  object,
  pod,
  pods,
  pvc,
  RUNNER_MATCHERS,
  type RunnerMatcher,
  statefulSet,
} from '../jest/runner-matchers.ts';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the default must match Vitest's declaration.
  interface Matchers<T = any> extends KubexpectMatchers<Promise<void>> {}
}

expect.extend(runnerMatchers('vitest'));
failOnDanglingAssertions(afterEach);
watchRunnerTimeouts({ beforeEach, afterEach }, 'vitest');
