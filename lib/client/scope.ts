/**
 * The deadline a call runs under. A wait (or drainNode) opens a scope; every API call made inside
 * it, however deep (the storage lookups of `expect: 'auto'`, the events read), inherits the scope's
 * AbortSignal and end time through AsyncLocalStorage, so no call made for a wait can outlive it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a call needs of a deadline: when it ends (ms epoch) and the signal that says it ended. */
export interface CallScope {
  readonly at: number;
  readonly signal: AbortSignal;
}

/** The longest one request may take before it is given up as a transient timeout and retried. */
export const REQUEST_TIMEOUT_MS = 15_000;

const scopes = new AsyncLocalStorage<CallScope>();
const requests = new AsyncLocalStorage<AbortSignal>();
const cancels = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` so that every call and wait made inside it stops when `signal` aborts, without giving
 * them a deadline (kubexpect/dsl runs each spec under its timeout's signal this way).
 */
export function withCancelSignal<T>(signal: AbortSignal, fn: () => T): T {
  return cancels.run(signal, fn);
}

/** The signal of the enclosing withCancelSignal, if any. */
export function currentCancelSignal(): AbortSignal | undefined {
  return cancels.getStore();
}

/** Runs `fn` with every API call inside it bound to `scope`. */
export function withCallScope<T>(scope: CallScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

export function currentCallScope(): CallScope | undefined {
  return scopes.getStore();
}

/** Runs one request attempt with `signal`; the connection's middleware hands it to the HTTP request. */
export function withRequestSignal<T>(signal: AbortSignal, fn: () => T): T {
  return requests.run(signal, fn);
}

/** The signal of the request attempt being made now, if any. */
export function currentRequestSignal(): AbortSignal | undefined {
  return requests.getStore() ?? scopes.getStore()?.signal;
}

/**
 * Runs `fn` outside any scope: for work that outlives the wait that started it (a shared watch
 * cache serves later waits too, so it must not die with the first one's deadline).
 */
export function outsideCallScope<T>(fn: () => T): T {
  return scopes.exit(() => requests.exit(() => cancels.exit(fn)));
}
