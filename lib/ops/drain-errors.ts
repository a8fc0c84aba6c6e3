/** What drainNode returns and the typed errors it throws, each carrying what was done before it stopped. */

export interface PodName {
  readonly namespace: string;
  readonly name: string;
}

export interface EvictedPod extends PodName {
  /** UID of the pod that was evicted. */
  readonly uid: string;
  /** 'gone': deleted; 'replaced': a pod with the same name and a new uid exists; 'not-found': gone before eviction. */
  readonly outcome: 'gone' | 'replaced' | 'not-found';
  /** Eviction requests refused (429) before this one was accepted. */
  readonly refusals: number;
}

export interface SkippedPod extends PodName {
  readonly reason: 'already-deleted' | 'daemonset' | 'mirror';
}

export interface DrainResult {
  readonly node: string;
  readonly evicted: readonly EvictedPod[];
  readonly skipped: readonly SkippedPod[];
  /** kubectl-style warnings, e.g. `deleting Pods with local storage: ns/a, ns/b`. */
  readonly warnings: readonly string[];
  readonly elapsedMs: number;
}

/** A pod's evictions kept being refused, with what the server said. */
export interface Refusal extends PodName {
  /** The PodDisruptionBudget that refused, when the server or the namespace's PDBs tell. */
  readonly pdb?: string;
  /** The server's message, with the budget's own cause when it gave one. */
  readonly message: string;
  readonly attempts: number;
}

/** Base class: the node, and what had been evicted and skipped when the drain stopped. */
export class DrainError extends Error {
  override readonly name: string = 'DrainError';
  constructor(
    message: string,
    readonly node: string,
    readonly evicted: readonly EvictedPod[] = [],
    readonly skipped: readonly SkippedPod[] = [],
  ) {
    super(message);
  }
}

/** Pods the filters would not delete (kubectl's "cannot delete …" errors); nothing was evicted. */
export class DrainBlockedError extends DrainError {
  override readonly name = 'DrainBlockedError';
  constructor(
    node: string,
    readonly blocked: readonly (PodName & { readonly message: string })[],
  ) {
    const byMessage = new Map<string, string[]>();
    for (const b of blocked)
      byMessage.set(b.message, [...(byMessage.get(b.message) ?? []), `${b.namespace}/${b.name}`]);
    const parts = [...byMessage].map(([msg, pods]) => `cannot delete ${msg}: ${pods.join(', ')}`);
    super(`drainNode ${node}: ${parts.join('; ')}; nothing was evicted and the node stays cordoned`, node);
  }
}

/** Evictions refused (PodDisruptionBudget) until the deadline. */
export class EvictionRefusedError extends DrainError {
  override readonly name = 'EvictionRefusedError';
  constructor(
    node: string,
    readonly refusals: readonly Refusal[],
    readonly budget: string,
    evicted: readonly EvictedPod[],
    skipped: readonly SkippedPod[],
  ) {
    const lines = refusals.map(
      (r) =>
        `pod ${r.namespace}/${r.name}${r.pdb ? ` (PodDisruptionBudget ${r.pdb})` : ''}: ${r.message} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'})`,
    );
    super(
      `drainNode ${node}: eviction still refused after ${budget}:\n  ${lines.join('\n  ')}\nevicted meanwhile: ${evicted.map((e) => `${e.namespace}/${e.name}`).join(', ') || 'none'}`,
      node,
      evicted,
      skipped,
    );
  }

  /** The first refusing PodDisruptionBudget, for the common one-pod case. */
  get pdb(): string | undefined {
    return this.refusals.find((r) => r.pdb)?.pdb;
  }
}

/** Evicted pods that did not go away (or were not replaced) before the deadline. */
export class DrainTimeoutError extends DrainError {
  override readonly name = 'DrainTimeoutError';
  constructor(
    node: string,
    readonly pending: readonly PodName[],
    readonly budget: string,
    evicted: readonly EvictedPod[],
    skipped: readonly SkippedPod[],
  ) {
    super(
      `drainNode ${node}: evicted pods still present after ${budget}: ${pending.map((p) => `${p.namespace}/${p.name}`).join(', ')}`,
      node,
      evicted,
      skipped,
    );
  }
}
