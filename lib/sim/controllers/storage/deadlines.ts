/**
 * Per-key simulated delays for reconcilers: the first call for a key starts a (scaled) clock and
 * requeues the key for when it runs out; later calls answer whether it has. A reconcile that is
 * retried, or woken early by another change, therefore never restarts or skips an operation's latency.
 */
import type { SimRuntime, WorkQueue } from '../runtime.ts';

export class Deadlines {
  private readonly due = new Map<string, number>();

  constructor(
    private readonly runtime: SimRuntime,
    private readonly queue: WorkQueue,
  ) {}

  /**
   * Whether the delay named `id` (started now with `realisticMs()` if new) has passed; if not, the
   * queue gets `key` again when it will have.
   */
  passed(id: string, key: string, realisticMs: () => number): boolean {
    let at = this.due.get(id);
    if (at === undefined) {
      at = Date.now() + this.runtime.scaled(realisticMs());
      this.due.set(id, at);
    }
    const left = at - Date.now();
    if (left <= 0) return true;
    this.queue.addAfter(key, left / this.runtime.timeScale + 1);
    return false;
  }

  has(id: string): boolean {
    return this.due.has(id);
  }

  clear(id: string): void {
    this.due.delete(id);
  }
}
