/**
 * The DSL's settings, read through the one env module at the moment they are needed, so a run (or
 * a nested run in a test) sees the current values.
 */
import { readEnv } from '../config/env.ts';
import { type LabelFilter, parseLabelFilter } from './label-filter.ts';

export interface DslSettings {
  /** From KUBEXPECT_LABEL_FILTER; undefined when unset or blank. */
  readonly labelFilter: { readonly text: string; readonly matches: LabelFilter } | undefined;
  /** KUBEXPECT_STEPS=off silences the live `STEP` lines (kept for reports either way); off by default under mocha --parallel. */
  readonly liveSteps: boolean;
  /** KUBEXPECT_REPORT_DIR, default `reports` (relative to the working directory). */
  readonly reportDir: string;
  /** True in the worker processes of `mocha --parallel` (MOCHA_WORKER_ID is set). */
  readonly parallelWorker: boolean;
}

export function dslSettings(env: NodeJS.ProcessEnv = process.env): DslSettings {
  const filterText = readEnv('KUBEXPECT_LABEL_FILTER', env)?.trim();
  let labelFilter: DslSettings['labelFilter'];
  if (filterText) {
    try {
      labelFilter = { text: filterText, matches: parseLabelFilter(filterText) };
    } catch (err) {
      throw new TypeError(`KUBEXPECT_LABEL_FILTER: ${(err as Error).message}`);
    }
  }
  const parallelWorker = readEnv('MOCHA_WORKER_ID', env) !== undefined;
  // mocha --parallel buffers each file's output, so live lines would land far from their spec.
  const steps = (readEnv('KUBEXPECT_STEPS', env) ?? (parallelWorker ? 'off' : 'on')).trim().toLowerCase();
  if (steps !== 'on' && steps !== 'off') {
    throw new TypeError(`KUBEXPECT_STEPS must be "on" or "off", got ${JSON.stringify(steps)}`);
  }
  return {
    labelFilter,
    liveSteps: steps === 'on',
    reportDir: readEnv('KUBEXPECT_REPORT_DIR', env)?.trim() ?? 'reports',
    parallelWorker,
  };
}
