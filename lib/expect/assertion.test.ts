import { expect } from 'chai';
import { Assertion, checkDanglingAssertions } from './index.ts';

describe('Assertion', () => {
  it('is a real Promise: Promise.all and await work, and then marks it awaited', async () => {
    const a = new Assertion('a', async () => 1);
    const b = new Assertion('b', async () => 2);
    expect(a).to.be.instanceOf(Promise);
    expect(await Promise.all([a, b])).to.deep.equal([1, 2]);
    expect(a.awaited).to.equal(true);
    expect(checkDanglingAssertions()).to.equal(undefined);
  });

  it('does not crash the process when it fails unawaited; the dangling check reports and cancels it', async () => {
    let signal: AbortSignal | undefined;
    const failing = new Assertion('failing()', async () => {
      throw new Error('boom');
    });
    const waiting = new Assertion('waiting()', (s) => {
      signal = s;
      return new Promise<never>(() => {});
    });
    await new Promise((r) => setTimeout(r, 10));
    const err = checkDanglingAssertions();
    expect(err?.message).to.equal(
      '2 assertions were created in this test but never awaited, so they checked nothing:\n' +
        '  - failing()\n  - waiting()\nAdd `await` before each (or return it from the test).',
    );
    expect(signal?.aborted).to.equal(true);
    expect(failing.settled).to.equal(true);
    expect(waiting.awaited).to.equal(false);
  });
});
