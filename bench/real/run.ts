/**
 * `npm run bench:real`: benchmarks on a real control plane (kind preset: storage class `standard`
 * with PVs pinned by hostname, `standard-rwo` with PVs usable anywhere). Detection latency and API
 * requests of kubexpect against polling loops (detection.ts), and the start-up time of the
 * embedded cluster against the real control plane (one run each). Writes bench/real/results.json
 * and its section of BENCHMARKS.md. `-- --samples N` per storage behaviour (default 10).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '../../lib/index.ts';
import { machine } from '../support/machine.ts';
import { summarize } from '../support/stats.ts';
import { type DetectionSample, detectionSample } from './detection.ts';
import { type RealBenchResults, renderRealBench } from './report.ts';

export const REAL_RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

const { values } = parseArgs({ options: { samples: { type: 'string' } } });
const samplesPerStorage = Number(values.samples ?? 10);
if (!Number.isInteger(samplesPerStorage) || samplesPerStorage < 1) {
  throw new TypeError(`bench:real: --samples must be a positive integer, got ${values.samples}`);
}
const log = (line: string) => process.stderr.write(`bench:real: ${line}\n`);
const started = performance.now();
const date = new Date().toISOString();
const host = machine();

const { startControlPlane, PINNED_CLASS, MOVABLE_CLASS } = await import('../../lib/controlplane/index.ts');
const realStart = performance.now();
const plane = await startControlPlane({ preset: 'kind' });
const realStartMs = performance.now() - realStart;
log(`control plane ${plane.version} (kind preset) started in ${(realStartMs / 1000).toFixed(1)}s`);

const samples: DetectionSample[] = [];
const ctl = await connect({ kubeconfig: plane.kubeconfig });
const kx = await connect({ kubeconfig: plane.kubeconfig });
try {
  for (let i = 0; i < samplesPerStorage * 2; i++) {
    const storage = i % 2 === 0 ? 'pinned' : 'movable';
    const sample = await detectionSample(
      ctl,
      kx,
      i,
      storage,
      storage === 'pinned' ? PINNED_CLASS : MOVABLE_CLASS,
    );
    samples.push(sample);
    log(
      `${storage} #${i}: ${sample.outcome}, ${JSON.stringify(sample.afterLastWriteMs)} ms, requests ${JSON.stringify(sample.requests)}`,
    );
  }
} finally {
  ctl.close();
  kx.close();
  await plane.stop();
}

// The embedded cluster of the same preset, as OnEachCluster starts it (time scale 0.01).
const { startCluster } = await import('../../lib/sim/index.ts');
const { EMBEDDED_TIME_SCALE } = await import('../../lib/dsl/index.ts');
const simStart = performance.now();
const sim = await startCluster({ preset: 'kind', timeScale: EMBEDDED_TIME_SCALE, seed: 1 });
const simStartMs = performance.now() - simStart;
await sim.stop();
log(`embedded kind cluster started in ${(simStartMs / 1000).toFixed(2)}s`);

const parties = ['kubexpect', 'poll 1 s', 'poll 5 s'] as const;
const results: RealBenchResults = {
  command: `npm run bench:real${values.samples ? ` -- --samples ${samplesPerStorage}` : ''}`,
  date,
  machine: host,
  version: plane.version,
  wallSeconds: Math.round((performance.now() - started) / 1000),
  detection: (['pinned', 'movable'] as const).map((storage) => {
    const of = samples.filter((s) => s.storage === storage);
    return {
      storage,
      outcomes: [...new Set(of.map((s) => s.outcome))],
      parties: parties.map((party) => ({
        party,
        latencyMs: summarize(of.map((s) => s.afterLastWriteMs[party])),
        requests: summarize(of.map((s) => s.requests[party])),
      })),
    };
  }),
  startup: {
    realMs: Math.round(realStartMs),
    embeddedMs: Math.round(simStartMs),
    ratio: Math.round((realStartMs / simStartMs) * 10) / 10,
  },
  samples,
};
writeFileSync(REAL_RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
const { writeRealSection } = await import('./markdown.ts');
writeRealSection('bench', renderRealBench(results));
log(`wrote ${REAL_RESULTS_PATH} and its section of BENCHMARKS.md in ${results.wallSeconds}s`);
