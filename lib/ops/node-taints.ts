/** Node taints through the API (`kubectl taint node`). */
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import type { Connection } from '../client/connection.ts';
import { checkLabelKey, checkLabelValue } from './node-labels.ts';
import { checkConnection } from '../client/check-connection.ts';
import { checkNodeName, updateNode } from './node-patch.ts';
import { guardDisruption } from './target-guard.ts';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const same = (a: V1Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/** Adds a taint, or replaces the value of the taint with the same key and effect. */
export function taintNode(conn: Connection, node: string, taint: Taint): Promise<V1Node> {
  checkConnection(conn, 'taintNode');
  checkNodeName(node, 'taintNode');
  checkTaint(taint, 'taintNode');
  return guarded(conn, `taint node ${node}`, node, (n) => {
    const taints = (n.spec?.taints ?? []).filter((t) => !same(t, taint));
    const added: V1Taint = {
      key: taint.key,
      effect: taint.effect,
      ...(taint.value ? { value: taint.value } : {}),
    };
    return { spec: { taints: [...taints, added] } };
  });
}

/** Removes the taint with this key (and effect, when given). Removing an absent taint is a no-op. */
export function untaintNode(
  conn: Connection,
  node: string,
  key: string,
  effect?: TaintEffect,
): Promise<V1Node> {
  checkConnection(conn, 'untaintNode');
  checkNodeName(node, 'untaintNode');
  checkLabelKey(key, 'untaintNode');
  if (effect !== undefined && !EFFECTS.includes(effect)) {
    throw new TypeError(
      `untaintNode: effect must be one of ${EFFECTS.join(', ')}, got ${JSON.stringify(effect)}`,
    );
  }
  return guarded(conn, `untaint node ${node}`, node, (n) => {
    const before = n.spec?.taints ?? [];
    const after = before.filter((t) => !(t.key === key && (effect === undefined || t.effect === effect)));
    return after.length === before.length ? undefined : { spec: { taints: after.length ? after : null } };
  });
}

function guarded(...args: Parameters<typeof updateNode>): Promise<V1Node> {
  return guardDisruption(args[0], args[1]).then(() => updateNode(...args));
}

function checkTaint(taint: Taint, what: string): void {
  if (typeof taint !== 'object' || taint === null) {
    throw new TypeError(`${what}: give a taint like { key: "dedicated", value: "db", effect: "NoSchedule" }`);
  }
  checkLabelKey(taint.key, what);
  if (taint.value !== undefined) checkLabelValue(taint.key, taint.value, what);
  if (!EFFECTS.includes(taint.effect)) {
    throw new TypeError(
      `${what}: effect must be one of ${EFFECTS.join(', ')}, got ${JSON.stringify(taint.effect)}`,
    );
  }
}
