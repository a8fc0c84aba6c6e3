/**
 * Progress lines for long waits: after a threshold, one line every interval on stderr saying what
 * is awaited, the time spent of the budget, and the state now. Quiet in CI unless asked for.
 */
import { readEnv } from '../config/env.ts';
import { type Duration, formatDuration, parseDuration } from '../timeouts/index.ts';

export interface ProgressOptions {
  /** Start printing after this long. Default 30s. */
  after?: Duration;
  /** Then print every this long. Default 30s. */
  every?: Duration;
  /** Where lines go. Default process.stderr. */
  write?: (line: string) => void;
}

export interface ProgressSettings {
  afterMs: number;
  everyMs: number;
  write: (line: string) => void;
}

const writeStderr = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Settles the progress output for one wait: an explicit option wins; otherwise KUBEXPECT_PROGRESS
 * ("off", "on", or the threshold as a duration); otherwise on, except when CI is set.
 */
export function progressSettings(
  option: boolean | ProgressOptions | undefined,
): ProgressSettings | undefined {
  if (option === false) return undefined;
  let afterMs = 30_000;
  if (option === undefined) {
    const env = readEnv('KUBEXPECT_PROGRESS');
    if (env === 'off' || env === '0' || env === 'false') return undefined;
    if (env === undefined && readEnv('CI') !== undefined) return undefined;
    if (env !== undefined && env !== 'on' && env !== '1' && env !== 'true') {
      afterMs = parseDuration(env, 'KUBEXPECT_PROGRESS');
    }
  }
  if (
    option !== undefined &&
    typeof option !== 'boolean' &&
    (typeof option !== 'object' || option === null)
  ) {
    throw new TypeError(
      `progress: expected true, false or { after?, every?, write? }, got ${option === null ? 'null' : typeof option}`,
    );
  }
  const o = typeof option === 'object' ? option : {};
  if (o.write !== undefined && typeof o.write !== 'function') {
    throw new TypeError(
      `progress.write: expected a function (line: string) => void, got ${typeof o.write}; omit it to print on stderr`,
    );
  }
  for (const key of Object.keys(o)) {
    if (key !== 'after' && key !== 'every' && key !== 'write') {
      throw new TypeError(`progress: unknown option '${key}'; known options: after, every, write`);
    }
  }
  return {
    afterMs: o.after !== undefined ? parseDuration(o.after, 'progress.after') : afterMs,
    everyMs: Math.max(10, o.every !== undefined ? parseDuration(o.every, 'progress.every') : 30_000),
    write: o.write ?? writeStderr,
  };
}

export function progressLine(what: string, elapsedMs: number, budgetLabel: string, now: string): string {
  return `kubexpect: ${formatDuration(elapsedMs)} of ${budgetLabel} waiting for ${what}; now: ${now}`;
}
