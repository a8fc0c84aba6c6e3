/**
 * Named time budgets. The defaults are CloudNativePG's e2e suite values (seconds), so a spec ported
 * from it keeps its timing; KUBEXPECT_TIMEOUTS overrides them and KUBEXPECT_SLOW_FACTOR scales them.
 */
import { readEnv } from '../config/env.ts';
import { type Duration, formatDuration, parseDuration } from './duration.ts';

/** Default budgets in seconds. */
export const DEFAULT_BUDGETS_SECONDS = {
  short: 5,
  namespaceCreation: 30,
  newPrimaryAfterFailover: 30,
  newPrimaryAfterSwitchover: 45,
  newTargetOnFailover: 120,
  operatorIsReady: 120,
  podRollout: 180,
  backupIsReady: 180,
  failover: 240,
  clusterIsReadyQuick: 300,
  clusterIsReady: 600,
  clusterIsReadySlow: 800,
  drainNode: 900,
  volumeSnapshotIsReady: 300,
  /** kubexpect's own default for an assertion that names no budget. */
  default: 60,
  /** kubexpect's default for Consistently when no `for` is given. */
  consistently: 5,
} as const;

export type BudgetName = keyof typeof DEFAULT_BUDGETS_SECONDS;

export const BUDGET_NAMES = Object.keys(DEFAULT_BUDGETS_SECONDS) as BudgetName[];

/** A timeout as a call site writes it: a budget name or a duration. */
export type TimeoutSpec = BudgetName | Duration;

/** The longest any single wait may take, whatever the settings say: no waiting forever by accident. */
export const MAX_WAIT_MS = 6 * 3_600_000;

export interface ResolvedTimeout {
  ms: number;
  /** How to print it: `2m (drainNode ×2)` or `90s`. */
  label: string;
  budget?: BudgetName;
}

export interface TimeoutSettings {
  budgetsMs: Record<BudgetName, number>;
  slowFactor: number;
}

function isBudgetName(name: string): name is BudgetName {
  return Object.hasOwn(DEFAULT_BUDGETS_SECONDS, name);
}

/** Reads KUBEXPECT_TIMEOUTS and KUBEXPECT_SLOW_FACTOR (validated; bad values throw at once). */
export function timeoutSettings(env: NodeJS.ProcessEnv = process.env): TimeoutSettings {
  const budgetsMs = Object.fromEntries(
    BUDGET_NAMES.map((n) => [n, DEFAULT_BUDGETS_SECONDS[n] * 1000]),
  ) as Record<BudgetName, number>;
  const raw = readEnv('KUBEXPECT_TIMEOUTS', env);
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new Error(
        `KUBEXPECT_TIMEOUTS is not valid JSON (${(err as Error).message}); write e.g. {"drainNode": "20m", "short": 10}`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(
        'KUBEXPECT_TIMEOUTS must be a JSON object of budget name → duration, e.g. {"drainNode": "20m"}',
      );
    }
    for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
      if (!isBudgetName(name)) {
        throw new Error(
          `KUBEXPECT_TIMEOUTS names an unknown budget "${name}"; known budgets: ${BUDGET_NAMES.join(', ')}`,
        );
      }
      // Numbers are seconds here, like CNPG's TEST_TIMEOUTS.
      const ms =
        typeof value === 'number'
          ? parseDuration(value * 1000, `KUBEXPECT_TIMEOUTS.${name}`)
          : parseDuration(value as string, `KUBEXPECT_TIMEOUTS.${name}`);
      if (ms <= 0) throw new Error(`KUBEXPECT_TIMEOUTS.${name}: a budget must be longer than zero`);
      budgetsMs[name] = ms;
    }
  }
  const factorText = readEnv('KUBEXPECT_SLOW_FACTOR', env);
  let slowFactor = 1;
  if (factorText !== undefined) {
    slowFactor = Number(factorText);
    if (!Number.isFinite(slowFactor) || slowFactor <= 0) {
      throw new Error(
        `KUBEXPECT_SLOW_FACTOR must be a positive number such as 1.5 or 3, got "${factorText}"`,
      );
    }
  }
  return { budgetsMs, slowFactor };
}

let cached: { settings: TimeoutSettings; timeouts?: string; factor?: string } | undefined;

function currentSettings(): TimeoutSettings {
  const timeouts = readEnv('KUBEXPECT_TIMEOUTS');
  const factor = readEnv('KUBEXPECT_SLOW_FACTOR');
  if (!cached || cached.timeouts !== timeouts || cached.factor !== factor) {
    cached = { settings: timeoutSettings(), timeouts, factor };
  }
  return cached.settings;
}

/**
 * Resolves a budget name or a duration to milliseconds, with the slow-cluster factor applied to
 * budgets and durations alike. Zero, negative, infinite or absurd values are rejected.
 */
export function resolveTimeout(
  spec: TimeoutSpec,
  what = 'timeout',
  settings = currentSettings(),
): ResolvedTimeout {
  const factor = settings.slowFactor;
  const suffix = factor === 1 ? '' : ` ×${factor}`;
  if (typeof spec === 'string' && isBudgetName(spec)) {
    const ms = Math.min(settings.budgetsMs[spec] * factor, MAX_WAIT_MS);
    return { ms, label: `${formatDuration(ms)} (${spec}${suffix})`, budget: spec };
  }
  if (typeof spec === 'string' && /^[A-Za-z]+$/.test(spec)) {
    throw new TypeError(
      `${what}: unknown budget '${spec}'; use one of ${BUDGET_NAMES.join(', ')} or a duration like '90s'`,
    );
  }
  if (typeof spec !== 'string' && (typeof spec !== 'number' || Number.isNaN(spec))) {
    throw new TypeError(
      `${what}: expected a budget name (${BUDGET_NAMES.slice(0, 3).join(', ')}…), a duration like '90s', '2m' or '1m30s', or milliseconds as a number; got ${describe(spec)}`,
    );
  }
  let base: number;
  try {
    base = parseDuration(spec, what);
  } catch (err) {
    // Say every accepted form, not only the duration syntax.
    throw new TypeError(`${(err as Error).message}; or name a budget such as 'default' or 'drainNode'`);
  }
  if (base <= 0) throw new TypeError(`${what}: must be longer than zero`);
  if (base > MAX_WAIT_MS) {
    throw new TypeError(
      `${what}: ${formatDuration(base)} is longer than the ${formatDuration(MAX_WAIT_MS)} limit on one wait`,
    );
  }
  const ms = Math.min(base * factor, MAX_WAIT_MS);
  return {
    ms,
    label: factor === 1 ? formatDuration(ms) : `${formatDuration(ms)} (${formatDuration(base)}${suffix})`,
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
