/**
 * Where By(), DeferCleanup() and DiagnoseOnFailure() record what they are given: the scope of the
 * node that is running (a spec, or a container's BeforeAll/AfterAll), found through
 * AsyncLocalStorage so the calls need no `this` and nested runs never mix their state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Step {
  readonly index: number;
  readonly text: string;
  readonly startedAt: number;
  endedAt?: number;
  failed?: boolean;
}

export interface Cleanup {
  readonly fn: () => unknown;
  /** Where DeferCleanup was called, to name a cleanup that fails. */
  readonly registeredAt: string;
}

/** Something that can describe the cluster when a spec fails (events, objects, trajectories). */
export interface DiagnosticSource {
  readonly title: string;
  /** `since`: when the failed node started (ms epoch), to show times relative to it. */
  collect(failure: { readonly since: number }): Promise<string>;
  /** One line for the error mocha prints, when the source has something a reader needs there (e.g. the storage). */
  summarize?(): Promise<string | undefined>;
}

export class Scope {
  readonly steps: Step[] = [];
  readonly cleanups: Cleanup[] = [];
  readonly diagnostics: DiagnosticSource[] = [];
  /** The mocha context of the running node, so Skip() can reach it. */
  mochaContext: Mocha.Context | undefined;
  /** When the node started; a container scope restarts its clock when its BeforeAll phase begins. */
  startedAt = Date.now();
  /** Set once the scope's cleanups have run: a DeferCleanup after that (a body still running past its timeout) runs at once. */
  cleanupsDone = false;
  /** The limit each cleanup had when the scope's cleanups ran (0: none); a late one gets the same. */
  cleanupLimitMs = 0;
  /**
   * Failures of AfterEach/AfterAll nodes, thrown once the scope's cleanups have run: mocha skips a
   * suite's later hooks after one fails, and the cleanups (and the Serial lock's release) must not be skipped.
   */
  readonly deferredFailures: unknown[] = [];
  constructor(
    readonly kind: 'spec' | 'container',
    readonly title: string,
    readonly parent: Scope | undefined,
  ) {}

  /** This scope and its ancestors, innermost first. */
  chain(): Scope[] {
    const out: Scope[] = [];
    for (let s: Scope | undefined = this; s; s = s.parent) out.push(s);
    return out;
  }

  /** Ends the running step, if any, at `now`. */
  closeSteps(failed = false, now = Date.now()): void {
    const last = this.steps.at(-1);
    if (last && last.endedAt === undefined) {
      last.endedAt = now;
      if (failed) last.failed = true;
    }
  }
}

const storage = new AsyncLocalStorage<Scope>();

export function runInScope<T>(scope: Scope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(caller: string): Scope {
  const scope = storage.getStore();
  if (!scope) {
    throw new Error(
      `${caller} was called outside a running It, BeforeEach, AfterEach, BeforeAll or AfterAll of kubexpect/dsl; call it from inside one of those bodies`,
    );
  }
  return scope;
}
