/**
 * Reading mobility from what the cluster shows: the node affinity of a provisioned PV, and the
 * topology keys a CSI driver registers on each node.
 */
import type { V1Node, V1NodeSelectorRequirement, V1PersistentVolume } from '@kubernetes/client-node';
import type { Mobility } from './profile.ts';

/** Mobility read from the cluster, with the sentence that justifies it. */
export interface Observed {
  readonly mobility: Mobility;
  readonly detail: string;
}

const HOSTNAME_KEYS = new Set(['kubernetes.io/hostname']);
const RANK: Record<Mobility, number> = { node: 0, zone: 1, unknown: 2, cluster: 3 };

/** What a topology key names, from its spelling: one host, a zone or region, or something else. */
export function keyScope(key: string): 'node' | 'zone' | undefined {
  if (HOSTNAME_KEYS.has(key) || /\/(node|nodename|hostname|node-name)$/i.test(key)) return 'node';
  if (/(^|[./-])(zone|region)$/i.test(key) || key.startsWith('failure-domain.')) return 'zone';
  return undefined;
}

/**
 * Where a PV can be used. Terms of a node selector are ORed (the least restrictive wins), the
 * expressions inside a term ANDed (the most restrictive wins).
 */
export function observeVolume(pv: V1PersistentVolume, nodes: readonly V1Node[]): Observed {
  const name = pv.metadata?.name ?? '(unnamed)';
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  if (terms.length === 0) {
    return {
      mobility: 'cluster',
      detail: `PV ${name} has no required node affinity: it can be used on any node`,
    };
  }
  const perTerm = terms.map((t) => {
    const reqs: { req: V1NodeSelectorRequirement; field: boolean }[] = [
      ...(t.matchExpressions ?? []).map((req) => ({ req, field: false })),
      ...(t.matchFields ?? []).map((req) => ({ req, field: true })),
    ];
    let best: Observed | undefined;
    for (const { req, field } of reqs) {
      const o = observeRequirement(req, field, nodes);
      if (!best || RANK[o.mobility] < RANK[best.mobility]) best = o;
    }
    return (
      best ?? { mobility: 'cluster' as const, detail: 'has an empty selector term, which matches every node' }
    );
  });
  let result = perTerm[0]!;
  for (const o of perTerm.slice(1)) if (RANK[o.mobility] > RANK[result.mobility]) result = o;
  return { mobility: result.mobility, detail: `PV ${name} ${result.detail}` };
}

function observeRequirement(
  req: V1NodeSelectorRequirement,
  field: boolean,
  nodes: readonly V1Node[],
): Observed {
  const values = req.values ?? [];
  const shown = `${req.key} ${req.operator}${values.length ? ` [${values.join(', ')}]` : ''}`;
  const scope = field ? (req.key === 'metadata.name' ? 'node' : undefined) : keyScope(req.key);
  if (req.operator === 'In' && scope === 'node') {
    return values.length === 1
      ? { mobility: 'node', detail: `requires node affinity ${shown}: pinned to one node` }
      : {
          mobility: 'zone',
          detail: `requires node affinity ${shown}: usable on ${values.length} nodes only`,
        };
  }
  if (req.operator === 'In' && scope === 'zone') {
    return { mobility: 'zone', detail: `requires node affinity ${shown}: usable within that zone` };
  }
  // A key whose meaning is not in its name: count the nodes that satisfy it.
  const matching = nodes.filter((n) => satisfies(n, req, field)).map((n) => n.metadata?.name ?? '');
  if (nodes.length >= 2 && matching.length === 1) {
    return {
      mobility: 'node',
      detail: `requires node affinity ${shown}, which only node ${matching[0]} satisfies`,
    };
  }
  if (nodes.length >= 2 && matching.length === nodes.length) {
    return { mobility: 'cluster', detail: `requires node affinity ${shown}, which every node satisfies` };
  }
  if (nodes.length >= 2 && matching.length > 1) {
    return {
      mobility: 'zone',
      detail: `requires node affinity ${shown}, which ${matching.length} of ${nodes.length} nodes satisfy`,
    };
  }
  return {
    mobility: 'unknown',
    detail: `requires node affinity ${shown}, whose reach cannot be told from the nodes`,
  };
}

/** Whether a node satisfies one node selector requirement (the operators of the Kubernetes API). */
export function satisfies(node: V1Node, req: V1NodeSelectorRequirement, field = false): boolean {
  const actual = field
    ? req.key === 'metadata.name'
      ? node.metadata?.name
      : undefined
    : node.metadata?.labels?.[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return actual !== undefined && values.includes(actual);
    case 'NotIn':
      return actual === undefined || !values.includes(actual);
    case 'Exists':
      return actual !== undefined;
    case 'DoesNotExist':
      return actual === undefined;
    case 'Gt':
    case 'Lt': {
      const a = Number(actual);
      const b = Number(values[0]);
      if (actual === undefined || !Number.isInteger(a) || !Number.isInteger(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** Whether a node can use a PV (its required node affinity admits the node). */
export function volumeAdmitsNode(pv: V1PersistentVolume, node: V1Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions ?? []).every((r) => satisfies(node, r)) &&
      (t.matchFields ?? []).every((r) => satisfies(node, r, true)),
  );
}

/**
 * What the topology keys a CSI driver registers say. No keys on any node: volumes are not tied to
 * a topology. A key named for nodes, or whose value differs on every node: node-local.
 */
export function observeTopologyKeys(
  driver: string,
  registered: readonly { node: string; keys: readonly string[] }[],
  nodes: readonly V1Node[],
): Observed | undefined {
  if (registered.length === 0) return undefined;
  const keys = [...new Set(registered.flatMap((r) => r.keys))];
  const on = `driver ${driver} is registered on ${registered.length} node(s) (CSINode)`;
  if (keys.length === 0) {
    return {
      mobility: 'cluster',
      detail: `${on} with no topology keys: its volumes are not tied to a topology`,
    };
  }
  let result: Observed | undefined;
  for (const key of keys) {
    let o: Observed;
    const scope = keyScope(key);
    if (scope) {
      o = { mobility: scope, detail: `${on} with topology key ${key}` };
    } else {
      const values = nodes.map((n) => n.metadata?.labels?.[key]).filter((v): v is string => v !== undefined);
      const distinct = new Set(values).size;
      if (values.length >= 2 && distinct === values.length) {
        o = { mobility: 'node', detail: `${on} with topology key ${key}, different on every node` };
      } else if (values.length >= 2 && distinct === 1) {
        o = { mobility: 'cluster', detail: `${on} with topology key ${key}, the same on every node` };
      } else if (values.length >= 2) {
        o = { mobility: 'zone', detail: `${on} with topology key ${key}, shared by groups of nodes` };
      } else {
        o = { mobility: 'unknown', detail: `${on} with topology key ${key}, whose reach cannot be told` };
      }
    }
    if (!result || RANK[o.mobility] < RANK[result.mobility]) result = o;
  }
  return result;
}

export function mobilityRank(m: Mobility): number {
  return RANK[m];
}
