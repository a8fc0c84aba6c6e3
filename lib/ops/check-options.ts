/**
 * Options checked at the call, for plain-JavaScript callers too: an unknown name (with the nearest
 * known one), a wrong type or an out-of-range value is a TypeError that says what to pass.
 */
import { closestName } from './closest-name.ts';

/** Says what is wrong with a value (completing "option X …"), or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

export const isBoolean: OptionCheck = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
export const isWholeSeconds: OptionCheck = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a whole number of seconds, 0 or more';
export const isPositiveMs: OptionCheck = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v > 0
    ? undefined
    : 'must be a positive number of milliseconds';
export const isNonEmptyString: OptionCheck = (v) =>
  typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a non-empty string';
export const isFunction: OptionCheck = (v) => (typeof v === 'function' ? undefined : 'must be a function');
/** Checked where it is used (a budget name or a duration, resolved by lib/timeouts). */
export const checkedLater: OptionCheck = () => undefined;
export const oneOf =
  (...values: readonly string[]): OptionCheck =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of ${values.map((x) => `'${x}'`).join(', ')}`;

/** Throws a TypeError for the first bad option; `example` shows a good options object. */
export function checkOptions(
  fn: string,
  options: unknown,
  checks: Readonly<Record<string, OptionCheck>>,
  example: string,
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object such as ${example}, got ${describeValue(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    const check = checks[name];
    if (!check) {
      const near = closestName(name, Object.keys(checks));
      throw new TypeError(
        `${fn}: unknown option ${name}${near ? `; did you mean ${near}?` : `; known options: ${Object.keys(checks).join(', ')}`}`,
      );
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem) throw new TypeError(`${fn}: option ${name} ${problem}, got ${describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return `an object (${value.constructor?.name ?? 'Object'})`;
  }
  return JSON.stringify(value) ?? String(value);
}
