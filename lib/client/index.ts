export { checkConnection } from './check-connection.ts';
export { type Closeable, type ConnectOptions, Connection, connect } from './connection.ts';
export {
  type ClassifiedError,
  classifyError,
  describeRecordedError,
  type ErrorClass,
  KubeApiError,
  type RecordedError,
  redact,
} from './errors.ts';
export { type CallOptions, callWithRetry, type RetryPolicy } from './retry.ts';
export {
  type CallScope,
  currentCallScope,
  currentCancelSignal,
  currentRequestSignal,
  outsideCallScope,
  REQUEST_TIMEOUT_MS,
  withCallScope,
  withCancelSignal,
} from './scope.ts';
export type { WatchEndHandler, WatchEventHandler, WatchOptions, WatchQuery } from './watch.ts';
