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
