/**
 * Worker nodes a spec may place instances on: Ready, schedulable and without NoSchedule/NoExecute
 * taints (CNPG's drain spec picks the same: "nodes without taints").
 */
import type { V1Node } from '@kubernetes/client-node';
import { type Connection, labelNode } from 'kubexpect';
import { By, DeferCleanup } from 'kubexpect/dsl';

function usable(node: V1Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const tainted = (node.spec?.taints ?? []).some(
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  return ready && !node.spec?.unschedulable && !tainted;
}

/** Names of the usable nodes, sorted; fails when there are fewer than `atLeast`. */
export async function schedulableNodes(conn: Connection, atLeast: number): Promise<string[]> {
  const nodes = (await conn.call('list nodes', () => conn.core.listNode())).items;
  const names = nodes
    .filter(usable)
    .map((n) => n.metadata?.name ?? '')
    .sort();
  if (names.length < atLeast) {
    throw new Error(
      `this spec needs ${atLeast} Ready, schedulable, untainted nodes; the cluster has ${names.length} (${names.join(', ') || 'none'})`,
    );
  }
  return names;
}

/**
 * A step that labels `nodes` drain=drain (the fixtures' nodeSelector, as in CNPG's drain suite) and
 * removes the label at cleanup. `purpose` ends the step's title.
 */
export function labelDrainNodes(conn: Connection, nodes: string[], purpose = ''): Promise<void> {
  return By(`labelling ${nodes.join(', ')} drain=drain${purpose ? ` ${purpose}` : ''}`, async () => {
    for (const node of nodes) {
      await labelNode(conn, node, { drain: 'drain' });
      DeferCleanup(() => labelNode(conn, node, { drain: null }));
    }
  });
}
