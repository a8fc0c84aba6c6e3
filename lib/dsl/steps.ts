/** By(): named, timed steps, printed live and kept for the failure report. */
import { currentScope, type Scope } from './scope.ts';
import { dslSettings } from './settings.ts';

function startStep(scope: Scope, text: string): void {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TypeError(`By: the step needs a description, got ${JSON.stringify(text)}`);
  }
  const now = Date.now();
  scope.closeSteps(false, now);
  scope.steps.push({ index: scope.steps.length + 1, text, startedAt: now });
  if (dslSettings().liveSteps) {
    process.stderr.write(`      STEP [+${formatSeconds(now - scope.startedAt)}] ${text}\n`);
  }
}

/**
 * Marks the start of a step; it lasts until the next step or the end of the node. With a callback,
 * the step lasts as long as the callback and By returns its result.
 */
export function By(text: string): void;
export function By<T>(text: string, fn: () => T | Promise<T>): Promise<T>;
export function By<T>(text: string, fn?: () => T | Promise<T>): undefined | Promise<T> {
  const scope = currentScope('By');
  startStep(scope, text);
  if (fn === undefined) return undefined;
  if (typeof fn !== 'function') throw new TypeError(`By("${text}"): the second argument must be a function`);
  return (async () => {
    try {
      const result = await fn();
      scope.closeSteps(false);
      return result;
    } catch (err) {
      scope.closeSteps(true);
      throw err;
    }
  })();
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
