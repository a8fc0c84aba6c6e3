/**
 * A pending assertion: a promise that must be awaited. One that is never awaited fails the test it
 * was made in (see dangling.ts), because an un-awaited wait silently checks nothing.
 */
import { trackAssertion, untrackAssertion } from './dangling.ts';

export class Assertion<R> implements PromiseLike<R> {
  /** What it asserts, e.g. `eventuallyPod(default/web-0).toBeReady()`. */
  readonly description: string;
  private readonly promise: Promise<R>;
  private readonly controller = new AbortController();
  private awaitedFlag = false;
  private settledFlag = false;
  /**
   * Resolves once the assertion has listed its objects and is watching them (or has ended): await
   * it before an action whose every effect the trajectory must show, e.g. before draining a node.
   */
  readonly observing: Promise<void>;

  constructor(description: string, run: (signal: AbortSignal, observing: () => void) => Promise<R>) {
    this.description = description;
    let markObserving: () => void = () => {};
    this.observing = new Promise<void>((resolve) => {
      markObserving = resolve;
    });
    this.promise = run(this.controller.signal, markObserving);
    // Handled here so an un-awaited failure is reported by the dangling check, not as a crash.
    this.promise.then(
      () => this.settle(markObserving),
      () => this.settle(markObserving),
    );
    trackAssertion(this);
  }

  private settle(markObserving: () => void): void {
    this.settledFlag = true;
    markObserving();
  }

  get awaited(): boolean {
    return this.awaitedFlag;
  }

  get settled(): boolean {
    return this.settledFlag;
  }

  // biome-ignore lint/suspicious/noThenProperty: an Assertion is awaited like a promise by design.
  then<A = R, B = never>(
    onFulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.awaitedFlag = true;
    untrackAssertion(this);
    return this.promise.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<R> {
    this.awaitedFlag = true;
    untrackAssertion(this);
    return this.promise.finally(onFinally);
  }

  /** Stops the wait; it then rejects with a message saying why. */
  cancel(reason: string): void {
    this.controller.abort(new Error(reason));
  }
}
