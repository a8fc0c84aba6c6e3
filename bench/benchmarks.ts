/** Every benchmark of issue 7 at a given size, in one run, with the machine it ran on. */
import { API_LOAD_FULL, type ApiLoadOptions, type ApiLoadResult, benchApiLoad } from './api-load.ts';
import { benchDetection, DETECTION_FULL, type DetectionOptions, type DetectionResult } from './detection.ts';
import { benchScale, SCALE_FULL, type ScaleOptions, type ScaleResult } from './scale.ts';
import {
  benchServerThroughput,
  SERVER_FULL,
  type ServerThroughputOptions,
  type ServerThroughputResult,
} from './server-throughput.ts';
import { benchSuite, type SuiteResult } from './suite.ts';
import { type Machine, machine } from './support/machine.ts';

export interface BenchSizes {
  detection: DetectionOptions;
  apiLoad: ApiLoadOptions;
  scale: ScaleOptions;
  server: ServerThroughputOptions;
  /** false: skip the suite timing (it runs mocha, so a test cannot run it at full size). */
  suite: { withNpmTest: boolean; timeoutMs: number } | false;
}

export const FULL_SIZES: BenchSizes = {
  detection: DETECTION_FULL,
  apiLoad: API_LOAD_FULL,
  scale: SCALE_FULL,
  server: SERVER_FULL,
  suite: { withNpmTest: true, timeoutMs: 600_000 },
};

export interface BenchResults {
  command: string;
  date: string;
  machine: Machine;
  wallSeconds: number;
  detection: DetectionResult;
  apiLoad: ApiLoadResult;
  scale: ScaleResult;
  server: ServerThroughputResult;
  suite: SuiteResult | undefined;
}

export async function runBenchmarks(
  sizes: BenchSizes,
  command: string,
  log: (line: string) => void = () => {},
): Promise<BenchResults> {
  const started = performance.now();
  const date = new Date().toISOString();
  const host = machine();
  log('1/5 detection latency');
  const detection = await benchDetection(sizes.detection);
  log('2/5 API load');
  const apiLoad = await benchApiLoad(sizes.apiLoad);
  log('3/5 scale');
  const scale = await benchScale(sizes.scale);
  log('4/5 embedded server throughput');
  const server = await benchServerThroughput(sizes.server);
  log('5/5 suite wall time');
  const suite = sizes.suite ? await benchSuite(sizes.suite) : undefined;
  return {
    command,
    date,
    machine: host,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    detection,
    apiLoad,
    scale,
    server,
    suite,
  };
}
