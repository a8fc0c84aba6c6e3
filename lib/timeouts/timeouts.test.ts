import { expect } from 'chai';
import { formatDuration, parseDuration, resolveTimeout, timeoutSettings } from './index.ts';

describe('timeouts', () => {
  it('parses durations as people write them', () => {
    expect(parseDuration('90s')).to.equal(90_000);
    expect(parseDuration('2m')).to.equal(120_000);
    expect(parseDuration('1m30s')).to.equal(90_000);
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration(250)).to.equal(250);
  });

  it('rejects an unreadable duration saying what is accepted', () => {
    expect(() => parseDuration('2 minutes', 'timeout')).to.throw(
      "timeout: cannot read '2 minutes'; write a duration like '90s', '2m', '1m30s' or '500ms'",
    );
  });

  it('resolves a named budget with CNPG defaults', () => {
    const settings = timeoutSettings({});
    expect(resolveTimeout('drainNode', 'timeout', settings)).to.deep.equal({
      ms: 900_000,
      label: '15m (drainNode)',
      budget: 'drainNode',
    });
  });

  it('overrides budgets from KUBEXPECT_TIMEOUTS, numbers being seconds', () => {
    const settings = timeoutSettings({ KUBEXPECT_TIMEOUTS: '{"drainNode": 60, "short": "2s"}' });
    expect(resolveTimeout('drainNode', 'timeout', settings).ms).to.equal(60_000);
    expect(resolveTimeout('short', 'timeout', settings).ms).to.equal(2000);
  });

  it('rejects an unknown budget name in KUBEXPECT_TIMEOUTS, listing the known ones', () => {
    expect(() => timeoutSettings({ KUBEXPECT_TIMEOUTS: '{"drainNodes": 60}' })).to.throw(
      /^KUBEXPECT_TIMEOUTS names an unknown budget "drainNodes"; known budgets: short, namespaceCreation/,
    );
  });

  it('rejects a bad value in KUBEXPECT_TIMEOUTS', () => {
    expect(() => timeoutSettings({ KUBEXPECT_TIMEOUTS: '{"short": "soon"}' })).to.throw(
      "KUBEXPECT_TIMEOUTS.short: cannot read 'soon'",
    );
    expect(() => timeoutSettings({ KUBEXPECT_TIMEOUTS: '{"short": 0}' })).to.throw(
      'KUBEXPECT_TIMEOUTS.short: a budget must be longer than zero',
    );
    expect(() => timeoutSettings({ KUBEXPECT_TIMEOUTS: 'short=5' })).to.throw(
      /^KUBEXPECT_TIMEOUTS is not valid JSON/,
    );
  });

  it('scales budgets and durations by KUBEXPECT_SLOW_FACTOR and says so', () => {
    const settings = timeoutSettings({ KUBEXPECT_SLOW_FACTOR: '2' });
    expect(resolveTimeout('short', 'timeout', settings).label).to.equal('10s (short ×2)');
    expect(resolveTimeout('90s', 'timeout', settings)).to.deep.equal({ ms: 180_000, label: '3m (1m30s ×2)' });
  });

  it('rejects a slow factor that is not a positive number', () => {
    expect(() => timeoutSettings({ KUBEXPECT_SLOW_FACTOR: 'fast' })).to.throw(
      'KUBEXPECT_SLOW_FACTOR must be a positive number such as 1.5 or 3, got "fast"',
    );
  });

  it('has no way to wait forever: zero, Infinity and unknown budget names are refused', () => {
    const settings = timeoutSettings({});
    expect(() => resolveTimeout(0, 'timeout', settings)).to.throw('timeout: must be longer than zero');
    expect(() => resolveTimeout(Number.POSITIVE_INFINITY, 'timeout', settings)).to.throw(
      /non-negative number/,
    );
    expect(() => resolveTimeout('forever' as never, 'timeout', settings)).to.throw(
      /^timeout: unknown budget 'forever'/,
    );
    expect(() => resolveTimeout('100h', 'timeout', settings)).to.throw(
      'timeout: 100h is longer than the 6h limit on one wait',
    );
  });

  it('formats durations compactly', () => {
    expect(formatDuration(850)).to.equal('850ms');
    expect(formatDuration(12_500)).to.equal('12.5s');
    expect(formatDuration(90_000)).to.equal('1m30s');
  });
});
