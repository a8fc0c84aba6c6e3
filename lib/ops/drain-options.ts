/**
 * drainNode's options checked at the call, for plain-JavaScript callers too: an unknown name, a
 * wrong type or an out-of-range value is a TypeError that says what to pass, never a silent default.
 */
import { closestName } from './closest-name.ts';

type Check = (value: unknown) => string | undefined;

const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const wholeSeconds: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a whole number of seconds, 0 or more';
const positiveMs: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0
    ? undefined
    : 'must be a positive number of milliseconds';

/** Every option drainNode knows; `timeout` is checked where it is resolved (a budget name or a duration). */
const CHECKS: Readonly<Record<string, Check>> = {
  timeout: () => undefined,
  ignoreDaemonSets: boolean,
  deleteEmptyDirData: boolean,
  force: boolean,
  gracePeriodSeconds: wholeSeconds,
  podSelector: (v) =>
    typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a label selector such as "app=web"',
  skipWaitForDeleteTimeoutSeconds: wholeSeconds,
  retryDelayMs: positiveMs,
  pollIntervalMs: positiveMs,
  ownNamespaces: (v) =>
    Array.isArray(v) && v.every((n) => typeof n === 'string' && n !== '')
      ? undefined
      : 'must be an array of namespace names',
  onProgress: (v) => (typeof v === 'function' ? undefined : 'must be a function'),
  signal: (v) => (v instanceof AbortSignal ? undefined : 'must be an AbortSignal'),
};

export function checkDrainOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `drainNode: options must be an object such as { force: true, timeout: '5m' }, got ${JSON.stringify(options)}`,
    );
  }
  for (const [name, value] of Object.entries(options)) {
    const check = CHECKS[name];
    if (!check) {
      const near = closestName(name, Object.keys(CHECKS));
      throw new TypeError(
        `drainNode: unknown option ${name}${near ? `; did you mean ${near}?` : `; known options: ${Object.keys(CHECKS).join(', ')}`}`,
      );
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) {
      throw new TypeError(`drainNode: option ${name} ${problem}, got ${describeValue(value)}`);
    }
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return `an object (${value.constructor?.name ?? 'Object'})`;
  }
  return JSON.stringify(value) ?? String(value);
}
