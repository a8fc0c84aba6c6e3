/** Node labels through the API (`kubectl label node`). */
import type { V1Node } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { checkConnection } from '../client/check-connection.ts';
import { checkNodeName, mergePatchNode } from './node-patch.ts';
import { guardDisruption } from './target-guard.ts';

/**
 * Sets labels on a node; a `null` value removes the label. Keys and values are checked here so a
 * typo fails at once with the rule it broke, not as a 422 later.
 */
export function labelNode(
  conn: Connection,
  node: string,
  labels: Record<string, string | null>,
): Promise<V1Node> {
  checkConnection(conn, 'labelNode');
  checkNodeName(node, 'labelNode');
  if (typeof labels !== 'object' || labels === null || Object.keys(labels).length === 0) {
    throw new TypeError('labelNode: give at least one label, e.g. { drain: "drain" } (null removes one)');
  }
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(key, 'labelNode');
    if (value !== null) checkLabelValue(key, value, 'labelNode');
  }
  return guardDisruption(conn, `label node ${node}`).then(() =>
    mergePatchNode(conn, `label node ${node}`, node, { metadata: { labels } }),
  );
}

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

export function checkLabelKey(key: string, what: string): void {
  if (typeof key !== 'string') {
    throw new TypeError(
      `${what}: a label or taint key must be a string, got ${JSON.stringify(key) ?? typeof key}`,
    );
  }
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (!NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))) {
    throw new TypeError(
      `${what}: "${key}" is not a valid label key (an optional DNS-subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
    );
  }
}

export function checkLabelValue(key: string, value: unknown, what: string): void {
  if (typeof value !== 'string' || (value !== '' && !NAME.test(value))) {
    throw new TypeError(
      `${what}: value ${JSON.stringify(value)} of "${key}" is not a valid label value (empty, or up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
    );
  }
}
