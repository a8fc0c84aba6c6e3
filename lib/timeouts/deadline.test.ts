import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { startDeadline } from './index.ts';

const budget = { ms: 60_000, label: '1m' };

describe('deadlines linked to one signal', () => {
  it('share one abort listener on it, however many (a drain of many pods links one per pod)', () => {
    const outside = new AbortController();
    const deadlines = Array.from({ length: 30 }, () => startDeadline(budget, [outside.signal]));
    // Past ten listeners on one signal Node prints a MaxListenersExceededWarning.
    expect(getEventListeners(outside.signal, 'abort')).to.have.length(1);
    outside.abort(new Error('stop'));
    for (const d of deadlines) {
      expect(d.signal.aborted).to.equal(true);
      expect((d.signal.reason as Error).message).to.equal('stop');
    }
  });

  it('unlink when they end, so an abort afterwards reaches only the ones still running', () => {
    const outside = new AbortController();
    const ended = startDeadline(budget, [outside.signal]);
    const running = startDeadline(budget, [outside.signal]);
    ended.end('done');
    const reasonBefore = (ended.signal.reason as Error).message;
    outside.abort(new Error('stop'));
    expect((ended.signal.reason as Error).message).to.equal(reasonBefore);
    expect((running.signal.reason as Error).message).to.equal('stop');
    running.end();
  });
});
