/** drainNode's options, checked at the call (see check-options.ts). */
import {
  checkedLater,
  checkOptions,
  isBoolean,
  isFunction,
  isPositiveMs,
  isWholeSeconds,
  type OptionCheck,
} from './check-options.ts';

const DRAIN_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  timeout: checkedLater,
  ignoreDaemonSets: isBoolean,
  deleteEmptyDirData: isBoolean,
  force: isBoolean,
  gracePeriodSeconds: isWholeSeconds,
  podSelector: (v) =>
    typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a label selector such as "app=web"',
  skipWaitForDeleteTimeoutSeconds: isWholeSeconds,
  retryDelayMs: isPositiveMs,
  pollIntervalMs: isPositiveMs,
  ownNamespaces: (v) =>
    Array.isArray(v) && v.every((n) => typeof n === 'string' && n !== '')
      ? undefined
      : 'must be an array of namespace names',
  onProgress: isFunction,
  signal: (v) => (v instanceof AbortSignal ? undefined : 'must be an AbortSignal'),
};

export function checkDrainOptions(options: unknown): void {
  checkOptions('drainNode', options, DRAIN_OPTIONS, "{ force: true, timeout: '5m' }");
}
