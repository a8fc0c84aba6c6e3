/**
 * The scheduling cycle's decisions as pure functions over a snapshot of the cluster: the filter
 * plugins in the default profile's order (the first failing filter names a node's reason), the
 * scores that rank feasible nodes, and the FitError message Kubernetes 1.35 writes when no node fits.
 */
import type { KObject } from '../api/types.ts';
import {
  type PodAffinityTerm,
  type PodSpec,
  type TopologySpreadConstraint,
  isTerminal,
  nodeSpec,
  nodeStatus,
  podSpec,
} from './kube-types.ts';
import { type Snapshot, VOLUME_REASON, volumePreFilter, volumeReasons } from './scheduler-volumes.ts';

export type { Snapshot } from './scheduler-volumes.ts';
import {
  isUnschedulable,
  matchesLabelSelector,
  matchesNodeSelectorTerm,
  parseQuantity,
  podFitsNodeAffinity,
  tolerates,
  untoleratedTaint,
} from './node-matching.ts';

export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  taint: 'node(s) had untolerated taint(s)',
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  tooManyPods: 'Too many pods',
  ...VOLUME_REASON,
  podAffinity: "node(s) didn't match pod affinity rules",
  podAntiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  spreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  spread: "node(s) didn't match pod topology spread constraints",
} as const;

export interface NodeRejection {
  node: string;
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption cannot help on this node. */
  unresolvable: boolean;
}

export interface Evaluation {
  /** A reason that rejects the pod on every node before filtering (PreFilter). */
  preFilter?: string;
  feasible: KObject[];
  rejected: NodeRejection[];
}

/** Requests of a pod as the scheduler sums them (limits stand in for absent requests). */
function podRequests(spec: PodSpec): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of spec.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    cpu += parseQuantity(req.cpu) || 0;
    memory += parseQuantity(req.memory) || 0;
  }
  return { cpu, memory };
}

function allocatable(node: KObject, resource: string): number {
  const status = nodeStatus(node);
  const value = status.allocatable?.[resource] ?? status.capacity?.[resource];
  return value === undefined ? Number.POSITIVE_INFINITY : parseQuantity(value);
}

function resourceReasons(pod: KObject, node: KObject, snapshot: Snapshot): string[] {
  const reasons: string[] = [];
  const others = snapshot.podsOn(node.metadata.name!);
  if (others.length + 1 > allocatable(node, 'pods')) reasons.push(REASON.tooManyPods);
  const want = podRequests(podSpec(pod));
  let cpu = 0;
  let memory = 0;
  for (const p of others) {
    const r = podRequests(podSpec(p));
    cpu += r.cpu;
    memory += r.memory;
  }
  if (want.cpu > 0 && cpu + want.cpu > allocatable(node, 'cpu')) reasons.push('Insufficient cpu');
  if (want.memory > 0 && memory + want.memory > allocatable(node, 'memory'))
    reasons.push('Insufficient memory');
  return reasons;
}

function termNamespaces(term: PodAffinityTerm, owner: KObject): string[] {
  return term.namespaces && term.namespaces.length > 0 ? term.namespaces : [owner.metadata.namespace!];
}

/** Whether `target` is a pod the term (declared by `owner`) selects. */
function termSelects(term: PodAffinityTerm, owner: KObject, target: KObject): boolean {
  if (!termNamespaces(term, owner).includes(target.metadata.namespace!)) return false;
  return matchesLabelSelector(term.labelSelector, target.metadata.labels);
}

function sameDomain(a: KObject, b: KObject, key: string): boolean {
  const va = a.metadata.labels?.[key];
  return va !== undefined && va === b.metadata.labels?.[key];
}

/** Every counted pod with the node it is on. */
function placedPods(snapshot: Snapshot): { pod: KObject; node: KObject }[] {
  const out: { pod: KObject; node: KObject }[] = [];
  for (const node of snapshot.nodes)
    for (const pod of snapshot.podsOn(node.metadata.name!)) out.push({ pod, node });
  return out;
}

function interPodReason(
  pod: KObject,
  node: KObject,
  placed: { pod: KObject; node: KObject }[],
): { reason: string; unresolvable: boolean } | undefined {
  const affinity = podSpec(pod).affinity;
  const required = affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  for (const term of required) {
    const matches = placed.filter((p) => termSelects(term, pod, p.pod));
    // A pod that matches its own term may start a group when no pod matches anywhere yet.
    const selfStart = matches.length === 0 && termSelects(term, pod, pod);
    if (!selfStart && !matches.some((p) => sameDomain(p.node, node, term.topologyKey))) {
      return { reason: REASON.podAffinity, unresolvable: true };
    }
    if (selfStart && node.metadata.labels?.[term.topologyKey] === undefined) {
      return { reason: REASON.podAffinity, unresolvable: true };
    }
  }
  const anti = affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  for (const term of anti) {
    if (placed.some((p) => termSelects(term, pod, p.pod) && sameDomain(p.node, node, term.topologyKey))) {
      return { reason: REASON.podAntiAffinity, unresolvable: false };
    }
  }
  for (const p of placed) {
    const terms =
      podSpec(p.pod).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (terms.some((t) => termSelects(t, p.pod, pod) && sameDomain(p.node, node, t.topologyKey))) {
      return { reason: REASON.existingAntiAffinity, unresolvable: false };
    }
  }
  return undefined;
}

/** Matching pods per topology domain, over the nodes the constraint counts. */
function spreadCounts(
  pod: KObject,
  constraint: TopologySpreadConstraint,
  snapshot: Snapshot,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of snapshot.nodes) {
    const domain = node.metadata.labels?.[constraint.topologyKey];
    if (domain === undefined) continue;
    if ((constraint.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !podFitsNodeAffinity(pod, node)) continue;
    const matching = snapshot
      .podsOn(node.metadata.name!)
      .filter(
        (p) =>
          !p.metadata.deletionTimestamp &&
          p.metadata.namespace === pod.metadata.namespace &&
          matchesLabelSelector(constraint.labelSelector, p.metadata.labels),
      ).length;
    counts.set(domain, (counts.get(domain) ?? 0) + matching);
  }
  return counts;
}

/** PodTopologySpread Filter: hard (DoNotSchedule) constraints. */
function spreadReason(
  pod: KObject,
  node: KObject,
  snapshot: Snapshot,
): { reason: string; unresolvable: boolean } | undefined {
  for (const c of podSpec(pod).topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== 'DoNotSchedule') continue;
    const domain = node.metadata.labels?.[c.topologyKey];
    if (domain === undefined) return { reason: REASON.spreadMissingLabel, unresolvable: true };
    const counts = spreadCounts(pod, c, snapshot);
    const self = matchesLabelSelector(c.labelSelector, pod.metadata.labels) ? 1 : 0;
    const min = Math.min(...counts.values());
    if ((counts.get(domain) ?? 0) + self - min > c.maxSkew)
      return { reason: REASON.spread, unresolvable: false };
  }
  return undefined;
}

const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

/** Runs PreFilter and the filters over every node. */
export function evaluate(pod: KObject, snapshot: Snapshot): Evaluation {
  const preFilter = volumePreFilter(pod, snapshot);
  if (preFilter) {
    return {
      preFilter,
      feasible: [],
      rejected: snapshot.nodes.map((n) => ({
        node: n.metadata.name!,
        reasons: [preFilter],
        unresolvable: true,
      })),
    };
  }
  const spec = podSpec(pod);
  const placed = placedPods(snapshot);
  const feasible: KObject[] = [];
  const rejected: NodeRejection[] = [];
  for (const node of snapshot.nodes) {
    const name = node.metadata.name!;
    const reject = (reasons: string[], unresolvable: boolean) =>
      rejected.push({ node: name, reasons, unresolvable });
    if (isUnschedulable(node) && !(spec.tolerations ?? []).some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
      reject([REASON.unschedulable], true);
      continue;
    }
    if (untoleratedTaint(nodeSpec(node).taints, spec.tolerations)) {
      reject([REASON.taint], true);
      continue;
    }
    if (!podFitsNodeAffinity(pod, node)) {
      reject([REASON.nodeAffinity], true);
      continue;
    }
    const resources = resourceReasons(pod, node, snapshot);
    if (resources.length > 0) {
      reject(resources, false);
      continue;
    }
    const volumes = volumeReasons(pod, node, snapshot);
    if (volumes.length > 0) {
      reject(volumes, true);
      continue;
    }
    const spread = spreadReason(pod, node, snapshot);
    if (spread) {
      reject([spread.reason], spread.unresolvable);
      continue;
    }
    const inter = interPodReason(pod, node, placed);
    if (inter) {
      reject([inter.reason], inter.unresolvable);
      continue;
    }
    feasible.push(node);
  }
  return { feasible, rejected };
}

/** `"<count> <item>"` entries sorted as Go's sort.Strings sorts them, joined by ", ". */
function histogram(items: string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts.entries()]
    .map(([item, n]) => `${n} ${item}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

/**
 * The FitError text of Kubernetes 1.35: the sorted per-node reasons, then what the PostFilter plugins
 * said (DynamicResources' "no new claims to deallocate" and DefaultPreemption's own FitError). No
 * preemption is simulated, so a node that failed a resolvable filter finds no victims.
 */
export function fitErrorMessage(pod: KObject, evaluation: Evaluation, nodeCount: number): string {
  const head = `0/${nodeCount} nodes are available:`;
  const preemption = () => {
    if (podSpec(pod).preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const perNode = evaluation.rejected.map((r) =>
      r.unresolvable
        ? 'Preemption is not helpful for scheduling'
        : 'No preemption victims found for incoming pod',
    );
    return `preemption: 0/${nodeCount} nodes are available: ${histogram(perNode)}.`;
  };
  if (evaluation.preFilter) return `${head} ${evaluation.preFilter}. ${preemption()}`;
  const reasons = histogram(evaluation.rejected.flatMap((r) => r.reasons));
  return `${head} ${reasons}. no new claims to deallocate, ${preemption()}`;
}

/** Default requests the scheduler assumes for scoring pods that declare none (100m CPU, 200Mi). */
const NON_ZERO_CPU = 0.1;
const NON_ZERO_MEMORY = 200 * 2 ** 20;

function scoringRequests(spec: PodSpec): { cpu: number; memory: number } {
  const r = podRequests(spec);
  return { cpu: r.cpu || NON_ZERO_CPU, memory: r.memory || NON_ZERO_MEMORY };
}

function normalize(raw: Map<string, number>, reverse = false): Map<string, number> {
  const values = [...raw.values()];
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const out = new Map<string, number>();
  for (const [k, v] of raw) {
    let s = max === min ? 0 : ((v - min) * 100) / (max - min);
    if (reverse) s = 100 - s;
    out.set(k, s);
  }
  return out;
}

/**
 * Scores of feasible nodes, with the default plugin weights: NodeAffinity, InterPodAffinity and
 * PodTopologySpread 2, TaintToleration 3, NodeResourcesFit (least allocated) 1. Higher is better.
 */
export function scoreNodes(pod: KObject, feasible: KObject[], snapshot: Snapshot): Map<string, number> {
  const spec = podSpec(pod);
  const placed = placedPods(snapshot);
  const affinityRaw = new Map<string, number>();
  const interRaw = new Map<string, number>();
  const taintRaw = new Map<string, number>();
  const leastAllocated = new Map<string, number>();
  const spreadRaw = new Map<string, number>();
  const soft = (spec.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
  const softCounts = soft.map((c) => ({ c, counts: spreadCounts(pod, c, snapshot) }));
  const want = scoringRequests(spec);
  for (const node of feasible) {
    const name = node.metadata.name!;
    let affinity = 0;
    for (const p of spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      if (matchesNodeSelectorTerm(p.preference, node)) affinity += p.weight;
    }
    affinityRaw.set(name, affinity);
    let inter = 0;
    for (const w of spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const t = w.podAffinityTerm;
      inter +=
        w.weight *
        placed.filter((p) => termSelects(t, pod, p.pod) && sameDomain(p.node, node, t.topologyKey)).length;
    }
    for (const w of spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
      const t = w.podAffinityTerm;
      inter -=
        w.weight *
        placed.filter((p) => termSelects(t, pod, p.pod) && sameDomain(p.node, node, t.topologyKey)).length;
    }
    interRaw.set(name, inter);
    spreadRaw.set(
      name,
      softCounts.reduce(
        (sum, { c, counts }) => sum + (counts.get(node.metadata.labels?.[c.topologyKey] ?? '') ?? 0),
        0,
      ),
    );
    taintRaw.set(
      name,
      (nodeSpec(node).taints ?? []).filter(
        (t) => t.effect === 'PreferNoSchedule' && !(spec.tolerations ?? []).some((tol) => tolerates(tol, t)),
      ).length,
    );
    let cpu = want.cpu;
    let memory = want.memory;
    for (const p of snapshot.podsOn(name)) {
      const r = scoringRequests(podSpec(p));
      cpu += r.cpu;
      memory += r.memory;
    }
    const free = (used: number, cap: number) =>
      Number.isFinite(cap) && cap > 0 ? Math.max(0, ((cap - used) * 100) / cap) : 100;
    leastAllocated.set(
      name,
      (free(cpu, allocatable(node, 'cpu')) + free(memory, allocatable(node, 'memory'))) / 2,
    );
  }
  const affinity = normalize(affinityRaw);
  const inter = normalize(interRaw);
  const taint = normalize(taintRaw, true);
  const spread = normalize(spreadRaw, true);
  const total = new Map<string, number>();
  for (const node of feasible) {
    const n = node.metadata.name!;
    const taintScore = [...taintRaw.values()].every((v) => v === 0) ? 100 : taint.get(n)!;
    const spreadScore = soft.length === 0 ? 0 : spread.get(n)!;
    total.set(
      n,
      2 * affinity.get(n)! + 2 * inter.get(n)! + 3 * taintScore + 2 * spreadScore + leastAllocated.get(n)!,
    );
  }
  return total;
}

/** Pods that occupy a node for scheduling: bound there and not finished. */
export function occupiesNode(pod: KObject): boolean {
  return !!podSpec(pod).nodeName && !isTerminal(pod);
}
