/**
 * Failure messages. Every one names the object, the expectation, the time spent against the budget,
 * what was last seen and why it did not match, the trajectory, the last API error and the latest
 * related events — what a stranger needs to understand the failure without re-running it.
 */
import { AssertionError } from 'chai';
import { formatDuration } from '../timeouts/index.ts';

export type FailureKind = 'timeout' | 'violated' | 'final' | 'aborted' | 'unobservable';

export interface FailureReport {
  kind: FailureKind;
  /** `pod default/web-0` */
  subject: string;
  /** `to be Ready` */
  expectation: string;
  /** 'eventually' (reach) or 'consistently' (hold). */
  mode: 'eventually' | 'consistently';
  elapsedMs: number;
  budgetLabel: string;
  /** Why the state did not match (the matcher's reason), or the error. */
  reason: string;
  lastState?: string;
  trajectory?: string;
  lastError?: string;
  events?: string[];
  /** Why the events could not be read (they are read within a short grace after the deadline). */
  eventsError?: string;
  /** For aborts: the abort reason. */
  abortReason?: string;
  /** When the test runner's own timeout is shorter than the budget: that, and the fix. */
  runnerHint?: string;
}

function headline(r: FailureReport): string {
  const t = `${formatDuration(r.elapsedMs)} of ${r.budgetLabel}`;
  const expected = `expected ${r.subject} ${r.expectation}`;
  switch (r.kind) {
    case 'timeout':
      return `Timed out after ${t}: ${expected}.`;
    case 'violated':
      return `Failed after ${t}: ${expected} throughout, but it was not.`;
    case 'final':
      return `Gave up after ${t}: ${expected}, and that can no longer happen.`;
    case 'aborted':
      return `Stopped after ${t} (${r.abortReason ?? 'aborted'}): ${expected}.`;
    case 'unobservable':
      return `Cannot observe ${r.subject} (after ${t}): ${r.reason}`;
  }
}

export function failureMessage(r: FailureReport): string {
  const lines = [headline(r)];
  if (r.kind !== 'unobservable')
    lines.push(`  ${r.kind === 'violated' ? 'violation' : 'last seen'}: ${r.reason}`);
  if (r.lastState !== undefined) lines.push(`  state: ${r.lastState}`);
  if (r.trajectory !== undefined) lines.push('  trajectory (time since the wait began):', r.trajectory);
  lines.push(`  last API error: ${r.lastError ?? 'none'}`);
  if (r.events !== undefined) {
    lines.push(r.events.length ? '  latest events:' : '  latest events: none');
    for (const e of r.events) lines.push(`    ${e}`);
  } else if (r.eventsError !== undefined) {
    lines.push(`  latest events: not read (${r.eventsError})`);
  }
  if (r.runnerHint !== undefined) lines.push(`  note: ${r.runnerHint}`);
  return lines.join('\n');
}

/** A chai AssertionError carrying the report, so tools can read the parts. */
export class KubeAssertionError extends AssertionError<object> {
  readonly report: FailureReport;
  constructor(report: FailureReport) {
    super(failureMessage(report));
    this.report = report;
  }
}
