/** cordon and uncordon: what `kubectl cordon/uncordon` do, through the API. */
import type { V1Node } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { checkConnection } from '../client/check-connection.ts';
import { checkNodeName, mergePatchNode } from './node-patch.ts';
import { guardDisruption } from './target-guard.ts';

/**
 * Marks a node unschedulable (spec.unschedulable: true). Idempotent. Refused with
 * DisruptionRefusedError, before any write, on a cluster that is not a test cluster.
 */
export function cordon(conn: Connection, node: string): Promise<V1Node> {
  checkConnection(conn, 'cordon');
  checkNodeName(node, 'cordon');
  return guardDisruption(conn, `cordon node ${node}`).then(() =>
    mergePatchNode(conn, `cordon node ${node}`, node, { spec: { unschedulable: true } }),
  );
}

/** Makes a node schedulable again (removes spec.unschedulable, as kubectl does). Idempotent; an undo, so never guarded. */
export function uncordon(conn: Connection, node: string): Promise<V1Node> {
  checkConnection(conn, 'uncordon');
  checkNodeName(node, 'uncordon');
  return mergePatchNode(conn, `uncordon node ${node}`, node, { spec: { unschedulable: null } });
}

/**
 * Uncordons every node that is cordoned (CNPG's UncordonAll); returns the names it changed. Guarded
 * like cordon: unlike uncordon, it is no undo of the spec's own action (it would also put back into
 * service a node someone cordoned on purpose).
 */
export async function uncordonAll(conn: Connection): Promise<string[]> {
  checkConnection(conn, 'uncordonAll');
  await guardDisruption(conn, 'uncordon every cordoned node');
  const nodes = await conn.call('list nodes', () => conn.core.listNode());
  const cordoned = nodes.items.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name ?? '');
  for (const name of cordoned) await uncordon(conn, name);
  return cordoned;
}
