/**
 * `npm run truth:real`: verdict truth on real control planes (one per storage behaviour), then
 * bench/truth-real-results.json and its section of BENCHMARKS.md. Exits non-zero when kubexpect
 * gave a wrong verdict. `-- --runs N --slots N` makes a smaller (or larger) run; a run of fewer
 * than 100 per behaviour writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeRealSection } from '../real/markdown.ts';
import { machine } from '../support/machine.ts';
import { REAL_TRUTH_FULL, type RealTruthPlan, runRealTruth } from './real-harness.ts';
import { renderRealTruth, type RealTruthResults } from './real-report.ts';

export const REAL_TRUTH_PATH = fileURLToPath(new URL('../truth-real-results.json', import.meta.url));

const { values } = parseArgs({
  options: { runs: { type: 'string' }, slots: { type: 'string' } },
});
const integer = (text: string | undefined, name: string, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`truth:real: --${name} must be a positive integer, got ${text}`);
  return n;
};
const plan: RealTruthPlan = {
  ...REAL_TRUTH_FULL,
  runs: integer(values.runs, 'runs', REAL_TRUTH_FULL.runs),
  slots: integer(values.slots, 'slots', REAL_TRUTH_FULL.slots),
};

const started = performance.now();
const date = new Date().toISOString();
const host = machine();
const report = await runRealTruth(plan, (line) => process.stderr.write(`truth:real: ${line}\n`));
const results: RealTruthResults = {
  command: 'npm run truth:real',
  date,
  machine: host,
  wallSeconds: Math.round((performance.now() - started) / 1000),
  report,
};
const wrong = report.elasticWrong.length;
const naiveWrong = report.summaries.reduce((s, x) => s + x.naive.runs - x.naive.correct, 0);
const runs = report.summaries.reduce((s, x) => s + x.runs, 0);
process.stderr.write(
  `truth:real: ${runs} runs in ${results.wallSeconds}s; kubexpect wrong ${wrong}, naive 5 s poll wrong ${naiveWrong}\n`,
);
if (plan.runs >= REAL_TRUTH_FULL.runs) {
  writeFileSync(REAL_TRUTH_PATH, `${JSON.stringify(results, null, 2)}\n`);
  writeRealSection('truth', renderRealTruth(results));
  process.stderr.write(`truth:real: wrote ${REAL_TRUTH_PATH} and its section of BENCHMARKS.md\n`);
}
process.exit(wrong === 0 ? 0 : 1);
