/**
 * Every benchmark at a tiny size, so none can rot: each must produce well-formed figures. No
 * timing is asserted here; timings belong in BENCHMARKS.md.
 */
import { expect } from 'chai';
import { benchApiLoad } from './api-load.ts';
import type { BenchResults } from './benchmarks.ts';
import { benchDetection } from './detection.ts';
import { renderMarkdown } from './report.ts';
import { benchScale } from './scale.ts';
import { benchServerThroughput } from './server-throughput.ts';
import { timeMocha } from './suite.ts';
import { machine } from './support/machine.ts';
import { percentile, summarize } from './support/stats.ts';

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

describe('benchmarks at a tiny size', function () {
  this.timeout(60_000);
  const partial: Partial<BenchResults> = {};

  it('summarizes samples with nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).to.equal(50);
    expect(percentile(values, 99)).to.equal(99);
    expect(summarize([3, 1, 2])).to.deep.equal({ n: 3, p50: 2, p99: 3, min: 1, max: 3, mean: 2 });
  });

  it('detection latency gives p50 and p99 for kubexpect and for each polling interval', async () => {
    const result = await benchDetection({ samples: 5, pollingSamples: 2, pollIntervalsMs: [50, 100] });
    expect(result.rows.map((r) => r.method)).to.deep.equal([
      'kubexpect (watch)',
      'p-retry polling every 0.05 s',
      'p-retry polling every 0.1 s',
    ]);
    for (const row of result.rows) {
      expect(row.latencyMs.n).to.be.greaterThan(0);
      expect([row.latencyMs.p50, row.latencyMs.p99].every(finite), row.method).to.equal(true);
      expect(row.latencyMs.p50).to.be.at.least(0);
    }
    partial.detection = result;
  });

  it('API load counts the requests of kubexpect and of polling for each number of assertions', async () => {
    const result = await benchApiLoad({ concurrency: [1, 3], windowMs: 200, pollIntervalMs: 100 });
    expect(result.rows.map((r) => r.assertions)).to.deep.equal([1, 3]);
    for (const row of result.rows) {
      expect(row.kubexpectRequests).to.be.greaterThan(0);
      expect(row.kubexpectRequests).to.equal(Object.values(row.kubexpectByVerb).reduce((a, b) => a + b, 0));
      expect(row.pollingRequests).to.be.at.least(row.assertions);
      expect(finite(row.ratio)).to.equal(true);
    }
    partial.apiLoad = result;
  });

  it('scale reports every verdict, with RSS and CPU for the client and for the cluster', async () => {
    const result = await benchScale({ nodes: 3, pods: 20, assertions: 5 });
    expect(result.client.verdicts).to.equal(5);
    for (const x of [
      result.client.lastChangeToAllVerdictsMs,
      result.client.peakRssMB,
      result.client.cpuMs,
      result.server.peakRssMB,
      result.server.rssAfterSetupMB,
    ]) {
      expect(finite(x) && x >= 0).to.equal(true);
    }
    expect(result.client.peakRssMB).to.be.greaterThan(0);
    partial.scale = result;
  });

  it('the embedded cluster reports GET, LIST, PATCH and watch-event rates with the client count', async () => {
    const result = await benchServerThroughput({ clients: 2, watchers: 2, pods: 5, durationMs: 100 });
    expect(result.rows.map((r) => r.operation.split(' ')[0])).to.deep.equal([
      'GET',
      'LIST',
      'PATCH',
      'watch',
    ]);
    for (const row of result.rows) {
      expect(row.total, row.operation).to.be.greaterThan(0);
      expect(row.perSecond, row.operation).to.be.greaterThan(0);
      expect(row.errors, row.operation).to.equal(0);
    }
    expect(result.rows.map((r) => r.clients)).to.deep.equal([2, 2, 2, 2]);
    partial.server = result;
  });

  it('the suite timing runs mocha as a child and reports wall time, counts and time per preset', async () => {
    const run = await timeMocha(['--config', 'bench/fixtures/mocharc.tiny.json'], 60_000);
    expect(run.exitCode).to.equal(0);
    expect(run.passes).to.equal(2);
    expect(run.failures).to.equal(0);
    expect(Object.keys(run.byPreset ?? {}).sort()).to.deep.equal(['cloud', 'kind']);
    expect(run.wallSeconds).to.be.greaterThan(0);
  });

  it('renders BENCHMARKS.md with the command, the machine and every table', () => {
    const results: BenchResults = {
      command: 'npm run bench',
      date: '2026-11-26T00:00:00.000Z',
      machine: machine(),
      wallSeconds: 1,
      suite: undefined,
      ...(partial as Required<Pick<BenchResults, 'detection' | 'apiLoad' | 'scale' | 'server'>>),
    };
    const md = renderMarkdown(results, undefined, '');
    expect(md).to.include('Command: `npm run bench` — 2026-11-26T00:00:00.000Z');
    expect(md).to.include(`Node ${process.version}`);
    for (const heading of [
      '### 1. Detection latency',
      '### 2. API load',
      '### 3. Scale',
      '### 4. The embedded cluster',
      '### 5. Suite',
      '## Verdict truth',
    ]) {
      expect(md).to.include(heading);
    }
    expect(md).to.include('| p50 detection under 5 ms |');
    expect(md).to.include('Not run yet: `npm run truth`.');
  });
});
