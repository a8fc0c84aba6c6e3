/**
 * Benchmark 5, the suite: wall time of the sample CNPG specs (mocha on specs/, both embedded
 * presets) and of the whole default `npm test` (typecheck, lint, every test), each run as a child
 * process and timed from outside. Per-preset times are the sums of the spec durations mocha reports.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from './support/embedded.ts';
import { round } from './support/stats.ts';

export interface SuiteRun {
  /** The exact command, as typed in the repository root. */
  command: string;
  wallSeconds: number;
  exitCode: number;
  passes?: number;
  failures?: number;
  pending?: number;
  /** Sum of spec durations by the embedded preset named in the title, in seconds. */
  byPreset?: Record<string, number>;
  /** Titles of the tests that failed, with their files. */
  failedTests?: string[];
  /** The test files that took longest (sum of their test durations), slowest first. */
  slowestFiles?: { file: string; seconds: number }[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface MochaJson {
  stats: { passes: number; failures: number; pending: number };
  tests: { fullTitle: string; duration?: number; file?: string }[];
  failures: { fullTitle: string; file?: string }[];
}

/**
 * Runs mocha with the JSON reporter and times it: with `args` (mocha options), or through the
 * `test:unit` npm script (the suite's own file list) when given `'test:unit'`.
 */
export async function timeMocha(args: string[] | 'test:unit', timeoutMs: number): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kubexpect-suite-'));
  const output = join(dir, 'report.json');
  const reporter = ['--reporter', 'json', '--reporter-option', `output=${output}`];
  try {
    const { wallSeconds, exitCode } =
      args === 'test:unit'
        ? await timeCommand('npm', ['run', '--silent', 'test:unit', '--', ...reporter], timeoutMs)
        : await timeCommand(
            process.execPath,
            [join(ROOT, 'node_modules/mocha/bin/mocha.js'), ...args, ...reporter],
            timeoutMs,
          );
    const command = args === 'test:unit' ? 'npm run test:unit' : `npx mocha ${args.join(' ')}`;
    const run: SuiteRun = { command, wallSeconds, exitCode };
    try {
      const report = JSON.parse(readFileSync(output, 'utf8')) as MochaJson;
      run.passes = report.stats.passes;
      run.failures = report.stats.failures;
      run.pending = report.stats.pending;
      const byPreset: Record<string, number> = {};
      for (const t of report.tests) {
        const preset = /\(embedded (\w+)\)/.exec(t.fullTitle)?.[1] ?? 'other';
        byPreset[preset] = round((byPreset[preset] ?? 0) + (t.duration ?? 0) / 1000, 1);
      }
      run.byPreset = byPreset;
      run.failedTests = report.failures.map((f) => `${(f.file ?? '').replace(ROOT, '')}: ${f.fullTitle}`);
      const byFile = new Map<string, number>();
      for (const t of report.tests) {
        const file = (t.file ?? 'unknown').replace(ROOT, '');
        byFile.set(file, (byFile.get(file) ?? 0) + (t.duration ?? 0) / 1000);
      }
      run.slowestFiles = [...byFile]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([file, seconds]) => ({ file, seconds: round(seconds, 1) }));
    } catch {
      // No report (the run was killed): the wall time and exit code still say what happened.
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm test` is typecheck, lint, then `test:unit` (mocha): each is timed on its own, mocha with its slowest files. */
export async function timeNpmTest(timeoutMs: number): Promise<SuiteRun[]> {
  const typecheck = await timeCommand('npm', ['run', '--silent', 'typecheck'], timeoutMs);
  const lint = await timeCommand('npm', ['run', '--silent', 'lint'], timeoutMs);
  const mocha = await timeMocha('test:unit', timeoutMs);
  return [{ command: 'npm run typecheck', ...typecheck }, { command: 'npm run lint', ...lint }, mocha];
}

function timeCommand(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ wallSeconds: number; exitCode: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, KUBEXPECT_CLUSTER: 'embedded' },
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ wallSeconds: round((performance.now() - started) / 1000, 1), exitCode: code ?? -1 });
    });
  });
}

export interface SuiteResult {
  specs: SuiteRun;
  /** The three steps of `npm test`, in order. */
  npmTest?: SuiteRun[];
}

/** The sample specs on both presets, then (unless `withNpmTest` is false) the whole `npm test`. */
export async function benchSuite(options: { withNpmTest: boolean; timeoutMs: number }): Promise<SuiteResult> {
  const specs = await timeMocha(['--config', 'specs/mocharc.kind.json'], options.timeoutMs);
  specs.command = 'KUBEXPECT_CLUSTER=embedded npx mocha --config specs/mocharc.kind.json';
  if (!options.withNpmTest) return { specs };
  return { specs, npmTest: await timeNpmTest(options.timeoutMs) };
}
