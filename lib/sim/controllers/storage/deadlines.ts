/**
 * Per-key simulated delays for reconcilers: the first call for an operation starts its (scaled)
 * clock, later calls answer whether the delay has passed since then and otherwise requeue the key
 * for when it will have. A reconcile that is retried, or woken early by another change, therefore
 * never restarts or skips an operation's latency; a delay that depends on state (a node's health)
 * is measured from the same start whatever it is now.
 */
import type { SimRuntime, WorkQueue } from '../runtime.ts';

export class Deadlines {
  private readonly started = new Map<string, number>();

  constructor(
    private readonly runtime: SimRuntime,
    private readonly queue: WorkQueue,
  ) {}

  /**
   * Whether `realisticMs()` (evaluated now; it must answer the same for the same state) has passed
   * since the operation `id` started; if not, the queue gets `key` again when it will have.
   */
  passed(id: string, key: string, realisticMs: () => number): boolean {
    let start = this.started.get(id);
    if (start === undefined) {
      start = Date.now();
      this.started.set(id, start);
    }
    const left = start + this.runtime.scaled(realisticMs()) - Date.now();
    if (left <= 0) return true;
    this.queue.addAfter(key, left / this.runtime.timeScale + 1);
    return false;
  }

  has(id: string): boolean {
    return this.started.has(id);
  }

  clear(id: string): void {
    this.started.delete(id);
  }
}
