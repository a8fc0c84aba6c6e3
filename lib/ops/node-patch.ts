/** Patching nodes through the API: merge patches, and read-modify-write guarded by resourceVersion. */
import {
  type ConfigurationOptions,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
} from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { KubeApiError } from '../client/errors.ts';

const MERGE: ConfigurationOptions = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function checkNodeName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${what}: node name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
}

/** A JSON merge patch on a node (labels, spec.unschedulable). */
export function mergePatchNode(
  conn: Connection,
  operation: string,
  name: string,
  body: object,
): Promise<V1Node> {
  return conn.call(operation, () => conn.core.patchNode({ name, body }, MERGE));
}

/**
 * Reads the node, lets `change` compute a merge patch from it, and writes it with the read
 * resourceVersion as a precondition, reading again when someone else wrote in between (409).
 * `change` returning undefined means there is nothing to do.
 */
export async function updateNode(
  conn: Connection,
  operation: string,
  name: string,
  change: (node: V1Node) => { spec?: object; metadata?: object } | undefined,
): Promise<V1Node> {
  for (let attempt = 0; ; attempt++) {
    const node = await conn.getNode(name);
    const patch = change(node);
    if (patch === undefined) return node;
    const body = {
      ...patch,
      metadata: { ...patch.metadata, resourceVersion: node.metadata?.resourceVersion },
    };
    try {
      return await conn.call(operation, () => conn.core.patchNode({ name, body }, MERGE));
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409 && attempt < 10) continue;
      throw err;
    }
  }
}
