/**
 * The matching rules the scheduler, the DaemonSet controller and the storage controllers share:
 * taints against tolerations, node selector terms (labels and metadata.name fields), label
 * selectors and resource quantities, as component-helpers implements them.
 */
import { parseQuantity as parseExactQuantity, QuantityError, quantityValue } from '../api/quantity.ts';
import type { KObject } from '../api/types.ts';
import {
  type LabelSelector,
  type NodeSelector,
  type NodeSelectorRequirement,
  type NodeSelectorTerm,
  nodeSpec,
  podSpec,
  type Taint,
  type Toleration,
} from './kube-types.ts';

/** Whether a toleration tolerates a taint (empty key with Exists tolerates everything). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  const op = toleration.operator ?? 'Equal';
  if (op === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The first taint with one of `effects` that no toleration tolerates. */
export function untoleratedTaint(
  taints: Taint[] | undefined,
  tolerations: Toleration[] | undefined,
  effects: Taint['effect'][] = ['NoSchedule', 'NoExecute'],
): Taint | undefined {
  return (taints ?? []).find(
    (t) => effects.includes(t.effect) && !(tolerations ?? []).some((tol) => tolerates(tol, t)),
  );
}

function matchRequirement(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0]!, 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One term: all its expressions (on labels) and fields (metadata.name) must match; an empty term matches nothing. */
export function matchesNodeSelectorTerm(term: NodeSelectorTerm, node: KObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) => matchRequirement(r, labels[r.key])) &&
    fields.every((r) => r.key === 'metadata.name' && matchRequirement(r, node.metadata.name))
  );
}

/** Terms are ORed. A selector without terms matches nothing (as the API requires at least one). */
export function matchesNodeSelector(selector: NodeSelector | undefined, node: KObject): boolean {
  return (selector?.nodeSelectorTerms ?? []).some((t) => matchesNodeSelectorTerm(t, node));
}

/** spec.nodeSelector and required node affinity together (the NodeAffinity filter). */
export function podFitsNodeAffinity(pod: KObject, node: KObject): boolean {
  const spec = podSpec(pod);
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !matchesNodeSelector(required, node)) return false;
  return true;
}

/** metav1.LabelSelector semantics: an empty selector matches everything; undefined matches nothing. */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = have[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && (value === undefined || !values.includes(value))) return false;
    if (e.operator === 'NotIn' && value !== undefined && values.includes(value)) return false;
    if (e.operator === 'Exists' && value === undefined) return false;
    if (e.operator === 'DoesNotExist' && value !== undefined) return false;
  }
  return true;
}

/** Whether the node refuses new pods by spec (cordoned). */
export function isUnschedulable(node: KObject): boolean {
  return !!nodeSpec(node).unschedulable;
}

/** A resource.Quantity as a number of base units (cores, bytes, pods); NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  try {
    return quantityValue(parseExactQuantity(q));
  } catch (err) {
    if (err instanceof QuantityError) return Number.NaN;
    throw err;
  }
}
