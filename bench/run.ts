/**
 * `npm run bench`: every benchmark at full size, then bench/results.json and BENCHMARKS.md.
 * Bounded: each step has its own size and timeout, everything runs on loopback, and the process
 * exits when done.
 */
import { writeFileSync } from 'node:fs';
import { FULL_SIZES, runBenchmarks } from './benchmarks.ts';
import { MARKDOWN_PATH, RESULTS_PATH, writeMarkdown } from './report.ts';

const results = await runBenchmarks(FULL_SIZES, 'npm run bench', (line) =>
  process.stderr.write(`bench: ${line}\n`),
);
writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
writeMarkdown();
process.stderr.write(`bench: wrote ${RESULTS_PATH} and ${MARKDOWN_PATH}\n`);
process.exit(0);
