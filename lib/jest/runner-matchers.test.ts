import { expect } from 'chai';
import { eventuallyPod } from '../matchers/index.ts';
import { createPod, failureOf, setPodStatus, useSim } from '../matchers/testing/sim-fixture.ts';
import { pod, RUNNER_MATCHERS, runnerMatchers, splitWaitOptions } from './runner-matchers.ts';

type Matcher = (
  this: { isNot: boolean },
  received: unknown,
  ...args: unknown[]
) => Promise<{ pass: boolean; message: () => string }>;

/** Calls a registered matcher the way Jest and Vitest do: `this.isNot` is `.not`. */
function call(name: string, isNot: boolean, received: unknown, ...args: unknown[]) {
  const matcher = runnerMatchers('jest')[name] as Matcher;
  return matcher.call({ isNot }, received, ...args);
}

describe('runner matchers (kubexpect/jest, kubexpect/vitest)', () => {
  const f = useSim('runner-matchers');

  it('registers every row of the table under its runner name', () => {
    expect(Object.keys(runnerMatchers('vitest'))).to.deep.equal(Object.keys(RUNNER_MATCHERS));
    expect(RUNNER_MATCHERS.toConsistentlyBeOnNode).to.deep.equal({
      mode: 'consistently',
      method: 'toBeOnNode',
    });
  });

  it('takes wait options from the last argument, alone or merged into the matcher options', () => {
    expect(splitWaitOptions(['w2', { for: '10s' }])).to.deep.equal({ args: ['w2'], options: { for: '10s' } });
    expect(splitWaitOptions([{ from: 'w1', timeout: '2m' }])).to.deep.equal({
      args: [{ from: 'w1' }],
      options: { timeout: '2m' },
    });
    const predicate = { test: () => true };
    expect(splitWaitOptions([predicate]).args[0]).to.equal(predicate);
  });

  it('passes when the wait passes, and fails with kubexpect’s own message', async () => {
    await createPod(f, 'ready', { nodeName: 'w1' });
    await setPodStatus(f, 'ready', { phase: 'Running', ready: true });
    const ok = await call('toEventuallyBeReady', false, pod(f.conn, f.ns, 'ready'), { timeout: '2s' });
    expect(ok.pass).to.equal(true);

    const failed = await call('toEventuallyBeOnNode', false, pod(f.conn, f.ns, 'ready'), 'w9', {
      timeout: '1s',
    });
    expect(failed.pass).to.equal(false);
    const direct = await failureOf(eventuallyPod(f.conn, f.ns, 'ready', { timeout: '1s' }).toBeOnNode('w9'));
    // The same text as the matcher's own failure (times aside).
    const timeless = (m: string) => m.replace(/[+]?\d+(\.\d+)?m?s/g, 'T');
    expect(timeless(failed.message())).to.equal(timeless(direct));
    expect(failed.message()).to.match(/: expected pod runner-matchers\/ready to be on node w9\./);
  });

  it('negates the state as Gomega does: .not.toConsistentlyBeOnNode holds while the pod stays off the node', async () => {
    await createPod(f, 'elsewhere', { nodeName: 'w2' });
    const held = await call('toConsistentlyBeOnNode', true, pod(f.conn, f.ns, 'elsewhere'), 'w1', {
      for: '1s',
    });
    // The runner inverts pass under .not: false means the negated expectation held.
    expect(held.pass).to.equal(false);
    const broken = await call('toConsistentlyBeOnNode', true, pod(f.conn, f.ns, 'elsewhere'), 'w2', {
      for: '1s',
    });
    expect(broken.pass).to.equal(true);
    expect(broken.message()).to.match(/expected pod runner-matchers\/elsewhere not to be on node w2/);
  });

  it('throws a TypeError at once for a subject it does not know or a matcher that does not apply', async () => {
    let err = await call('toEventuallyBeReady', false, 'db-1').catch((e: Error) => e);
    expect(err).to.be.instanceOf(TypeError);
    expect((err as Error).message).to.match(
      /^toEventuallyBeReady: expect\(\) needs a subject from kubexpect\/jest/,
    );
    err = await call('toEventuallyBeBound', false, pod(f.conn, f.ns, 'ready')).catch((e: Error) => e);
    expect((err as Error).message).to.equal(
      'toEventuallyBeBound does not apply to a pod (pod runner-matchers/ready)',
    );
  });
});
