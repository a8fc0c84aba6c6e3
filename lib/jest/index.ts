/**
 * kubexpect/jest: the watch-driven matchers on Jest's `expect` (Jest in ESM mode). Put it in Jest's
 * setup, `setupFilesAfterEnv: ['kubexpect/jest']`; importing it registers the matchers with
 * `expect.extend`, the un-awaited-assertion guard as an afterEach hook, and the runner-timeout check.
 *
 *   import { pod } from 'kubexpect/jest';
 *   await expect(pod(conn, ns, 'db-1')).toEventuallyBeReady({ timeout: '2m' });
 *   await expect(pod(conn, ns, 'db-1')).not.toConsistentlyBeOnNode('w1', { for: '10s' });
 *
 * With `injectGlobals: false`, call `registerKubexpect({ expect, afterEach, beforeEach })` with the
 * ones from `@jest/globals` instead.
 */
// Jest's expect (a dependency of jest): its Matchers interface is augmented below.
import type {} from 'expect';
import { failOnDanglingAssertions, KubeAssertionError } from '../expect/index.ts';
import { type KubexpectMatchers, runnerMatchers } from './runner-matchers.ts';
import { type RunnerHooks, watchRunnerTimeouts } from './runner-timeouts.ts';

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
} from './runner-matchers.ts';

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends KubexpectMatchers<Promise<void>> {}
}

declare global {
  namespace jest {
    // @types/jest's global matchers (used with Jest's injected `expect`); same parameters as its declaration.
    // biome-ignore lint/complexity/noBannedTypes: the default must match @types/jest.
    interface Matchers<R, T = {}> extends KubexpectMatchers<Promise<void>> {}
  }
}

interface JestRuntime extends RunnerHooks {
  readonly expect: { extend(matchers: object): void };
}

/** Registers the matchers, the un-awaited-assertion guard and the runner-timeout check with Jest. */
export function registerKubexpect(jest: JestRuntime): void {
  if (typeof jest?.expect?.extend !== 'function') {
    throw new TypeError("registerKubexpect: pass { expect, afterEach, beforeEach } from '@jest/globals'");
  }
  jest.expect.extend(runnerMatchers('jest'));
  // Jest prints any error named AssertionError as a node:assert diff ("Expected value undefined…");
  // under Jest, kubexpect's own failures (from eventuallyPod(…) and the like) go by their class name.
  Object.defineProperty(KubeAssertionError.prototype, 'name', {
    value: 'KubeAssertionError',
    configurable: true,
  });
  if (typeof jest.afterEach === 'function') failOnDanglingAssertions(jest.afterEach);
  watchRunnerTimeouts(jest, 'jest');
}

const globals = globalThis as Partial<JestRuntime>;
if (typeof globals.expect?.extend === 'function') registerKubexpect(globals as JestRuntime);
