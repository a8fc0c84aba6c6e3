/**
 * The hook through which storage awareness plugs into the elastic matcher without this layer
 * importing it: lib/storage (or a user) registers a resolver that says, for a pod leaving a node,
 * which outcome its storage allows.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';

/** 'pending': storage is bound to the node; 'rescheduled': it can follow the pod; 'either': unknown. */
export type OutcomeExpectation = 'pending' | 'rescheduled' | 'either';

export interface StorageExpectationRequest {
  conn: Connection;
  namespace: string;
  /** The pod (the baseline when given, else as read when the wait began; undefined if absent). */
  pod: V1Pod | undefined;
  from: string;
}

export interface StorageExpectationAnswer {
  expect: OutcomeExpectation;
  /** Why, for messages: e.g. `storage class standard (rancher.io/local-path) binds volumes to a node`. */
  because: string;
}

export type StorageExpectationResolver = (
  request: StorageExpectationRequest,
) => Promise<StorageExpectationAnswer>;

let resolver: StorageExpectationResolver | undefined;

/** Registers (or, with undefined, removes) the resolver `expect: 'auto'` consults. */
export function setStorageExpectationResolver(next: StorageExpectationResolver | undefined): void {
  if (next !== undefined && typeof next !== 'function') {
    throw new TypeError(
      'setStorageExpectationResolver: expected a function (request) => Promise<{ expect, because }>',
    );
  }
  resolver = next;
}

export function storageExpectationResolver(): StorageExpectationResolver | undefined {
  return resolver;
}
