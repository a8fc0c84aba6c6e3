/**
 * `npm run truth`: the full verdict-truth plan, then bench/truth-results.json and BENCHMARKS.md.
 * Exits non-zero when kubexpect gave a wrong verdict.
 */
import { writeFileSync } from 'node:fs';
import { machine } from '../support/machine.ts';
import { MARKDOWN_PATH, TRUTH_PATH, type TruthResults, writeMarkdown } from '../report.ts';
import { runTruth, TRUTH_FULL } from './harness.ts';

const started = performance.now();
const date = new Date().toISOString();
const host = machine();
const report = await runTruth(TRUTH_FULL, (line) => process.stderr.write(`truth: ${line}\n`));
const results: TruthResults = {
  command: 'npm run truth',
  date,
  machine: host,
  wallSeconds: Math.round((performance.now() - started) / 1000),
  report,
};
writeFileSync(TRUTH_PATH, `${JSON.stringify(results, null, 2)}\n`);
writeMarkdown();
process.stderr.write(`truth: wrote ${TRUTH_PATH} and ${MARKDOWN_PATH}\n`);
process.exit(report.elasticWrong.length === 0 ? 0 : 1);
