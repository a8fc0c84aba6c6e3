export {
  BUDGET_NAMES,
  type BudgetName,
  DEFAULT_BUDGETS_SECONDS,
  MAX_WAIT_MS,
  type ResolvedTimeout,
  resolveTimeout,
  type TimeoutSettings,
  type TimeoutSpec,
  timeoutSettings,
} from './budgets.ts';
export { type Duration, formatDuration, parseDuration } from './duration.ts';
export {
  type Deadline,
  DEADLINE_GRACE_MS,
  DeadlineExceededError,
  graceDeadline,
  startDeadline,
} from './deadline.ts';
