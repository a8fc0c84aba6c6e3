/** kubexpect: race-proof, watch-driven assertions for Kubernetes end-to-end specs. */
export {
  type ClassifiedError,
  type Closeable,
  type ConnectOptions,
  Connection,
  classifyError,
  connect,
  type ErrorClass,
  KubeApiError,
  type RecordedError,
  type RetryPolicy,
} from './client/index.ts';
export * from './ops/index.ts';
export * from './storage/index.ts';
