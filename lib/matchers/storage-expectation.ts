/**
 * The hook through which storage awareness plugs into the elastic matcher without this layer
 * importing it: lib/storage (or a user) registers a resolver that says, for a pod leaving a node,
 * which outcome its storage allows.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Connection } from '../client/index.ts';
import { expectedDrainOutcome } from '../storage/drain-expectation.ts';

/** 'pending': storage is bound to the node; 'rescheduled': it can follow the pod; 'either': unknown. */
export type OutcomeExpectation = 'pending' | 'rescheduled' | 'either';

export interface StorageExpectationRequest {
  conn: Connection;
  namespace: string;
  /** The pod's name. */
  name: string;
  /** The pod (the baseline when given, else as read when the wait began; undefined if absent). */
  pod: V1Pod | undefined;
  from: string;
  /** The wait's deadline: aborts when its budget runs out or it is stopped. Calls through `conn` carry it already. */
  signal?: AbortSignal;
}

export interface StorageExpectationAnswer {
  expect: OutcomeExpectation;
  /** Why, for messages: e.g. `storage class standard (rancher.io/local-path) binds volumes to a node`. */
  because: string;
}

export type StorageExpectationResolver = (
  request: StorageExpectationRequest,
) => Promise<StorageExpectationAnswer>;

/** The default: lib/storage's prediction from the pod's volumes (classes, PV node affinity, CSI topology). */
export const storageProfileExpectation: StorageExpectationResolver = async ({
  conn,
  namespace,
  name,
  pod,
  from,
}) => {
  const prediction = await expectedDrainOutcome(conn, namespace, pod ?? name, { node: from });
  return { expect: prediction.expected, because: prediction.explanation };
};

let resolver: StorageExpectationResolver | undefined = storageProfileExpectation;

/** Replaces the resolver `expect: 'auto'` consults (undefined removes it; the default is storageProfileExpectation). */
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
