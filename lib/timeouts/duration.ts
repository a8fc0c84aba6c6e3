type DurationUnit = 'ms' | 's' | 'm' | 'h';
type DurationPart = `${number}${DurationUnit}`;

/**
 * Durations as users write them: `'90s'`, `'2m'`, `'1m30s'`, `'1h30m'`, `'500ms'`, `'1.5s'` (one to
 * three number-unit parts), or milliseconds as a number. Typed so that `'5 minutes'` does not compile.
 */
export type Duration =
  | number
  | DurationPart
  | `${DurationPart}${DurationPart}`
  | `${DurationPart}${DurationPart}${DurationPart}`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration to milliseconds; throws a TypeError saying what is accepted. `what` names the setting. */
export function parseDuration(value: Duration | string, what = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`${what}: expected a non-negative number of milliseconds, got ${String(value)}`);
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new TypeError(
      `${what}: expected a duration like '90s', '2m', '1m30s' or milliseconds, got ${typeof value}`,
    );
  }
  const text = value.trim();
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (text === '' || parts.map((p) => p[0]).join('') !== text) {
    throw new TypeError(
      `${what}: cannot read '${value}'; write a duration like '90s', '2m', '1m30s' or '500ms'`,
    );
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0));
}

/** Prints milliseconds the way people read them: `850ms`, `12.5s`, `2m`, `15m`, `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
