/**
 * A pending assertion: a real Promise that must be awaited. One that is never awaited fails the
 * test it was made in (see dangling.ts), because an un-awaited wait silently checks nothing.
 */
import { trackAssertion, untrackAssertion } from './dangling.ts';

export class Assertion<R> extends Promise<R> {
  // Promises derived with then/catch/finally are plain Promises, not Assertions.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** What it asserts, e.g. `eventuallyPod(default/web-0).toBeReady()`. */
  readonly description: string;
  /**
   * Resolves once the assertion has listed its objects and is watching them (or has ended): await
   * it before an action whose every effect the trajectory must show, e.g. before draining a node.
   */
  readonly observing: Promise<void>;
  private readonly controller: AbortController;
  private awaitedFlag = false;
  private settledFlag = false;

  constructor(description: string, run: (signal: AbortSignal, observing: () => void) => Promise<R>) {
    let settle: { resolve: (v: R) => void; reject: (e: unknown) => void } | undefined;
    super((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.description = description;
    this.controller = new AbortController();
    let markObserving: () => void = () => {};
    this.observing = new Promise<void>((resolve) => {
      markObserving = resolve;
    });
    const done = () => {
      this.settledFlag = true;
      markObserving();
    };
    // Handled here so an un-awaited failure is reported by the dangling check, not as a crash.
    Promise.prototype.then.call(this, undefined, () => undefined);
    run(this.controller.signal, markObserving).then(
      (value) => {
        done();
        settle!.resolve(value);
      },
      (err: unknown) => {
        done();
        settle!.reject(err);
      },
    );
    trackAssertion(this);
  }

  get awaited(): boolean {
    return this.awaitedFlag;
  }

  get settled(): boolean {
    return this.settledFlag;
  }

  // biome-ignore lint/suspicious/noThenProperty: overriding Promise#then to know the assertion was awaited.
  override then<A = R, B = never>(
    onFulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.awaitedFlag = true;
    untrackAssertion(this);
    return super.then(onFulfilled, onRejected);
  }

  /** Stops the wait; it then rejects with a message saying why. */
  cancel(reason: string): void {
    this.controller.abort(new Error(reason));
  }
}
