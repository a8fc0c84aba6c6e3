/**
 * How the sample specs drain, like CNPG's DrainPrimary (`kubectl drain --ignore-daemonsets
 * --delete-emptydir-data --force`), retrying refused evictions every second instead of kubectl's
 * five so a drain that waits for a switchover ends soon after it.
 */
import type { DrainOptions } from 'kubexpect';

export const DRAIN_OPTIONS: DrainOptions = {
  ignoreDaemonSets: true,
  deleteEmptyDirData: true,
  force: true,
  retryDelayMs: 1000,
  pollIntervalMs: 250,
};
