/**
 * Standard cron schedules as the CronJob controller reads them (robfig/cron ParseStandard): five
 * fields (minute hour day-of-month month day-of-week) with lists, ranges, steps, names and `?`,
 * the @yearly/@monthly/@weekly/@daily/@hourly descriptors, and day-of-month OR day-of-week when
 * both are restricted. Times are UTC unless a time zone is given to `nextRun`.
 */

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Whether day-of-month (or day-of-week) was `*`/`?`: then only the other one restricts days. */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 6, names: DAYS, namesFrom: 0 },
];

function value(text: string, field: FieldSpec): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.namesFrom!;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}`);
  return Number(text);
}

function parseField(text: string, field: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : value(stepText, field);
    if (step <= 0) throw new Error(`step of range should be a positive number: ${part}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = field.min;
      hi = field.max;
    } else {
      const [a, b] = range.split('-') as [string, string | undefined];
      lo = value(a, field);
      hi = b === undefined ? (stepText === undefined ? lo : field.max) : value(b, field);
    }
    // Sunday may be written 7, as robfig/cron accepts.
    const max = field.name === 'day of week' ? 7 : field.max;
    if (lo < field.min) throw new Error(`beginning of range (${lo}) below minimum (${field.min}): ${part}`);
    if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) out.add(v % (field.max + 1));
  }
  return out;
}

/** Parses a schedule; throws an Error with robfig/cron's wording when it is not one. */
export function parseCronSchedule(schedule: string): CronSchedule {
  const text = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  if (text.startsWith('@')) throw new Error(`unrecognized descriptor: ${text}`);
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5)
    throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!));
  const wild = (p: string) => p === '*' || p === '?';
  return {
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek: sets[4]!,
    anyDayOfMonth: wild(parts[2]!),
    anyDayOfWeek: wild(parts[4]!),
  };
}

function dayMatches(s: CronSchedule, date: Date): boolean {
  const dom = s.daysOfMonth.has(date.getUTCDate());
  const dow = s.daysOfWeek.has(date.getUTCDay());
  if (s.anyDayOfMonth || s.anyDayOfWeek) return dom && dow;
  return dom || dow;
}

/** The first scheduled time strictly after `after` (UTC, whole minutes); undefined within five years none. */
export function nextRun(s: CronSchedule, after: Date): Date | undefined {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!s.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
    } else if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
    } else if (!s.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
    } else if (!s.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
    } else {
      return t;
    }
  }
  return undefined;
}
