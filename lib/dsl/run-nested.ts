/**
 * Runs spec source in a fresh mocha instance inside the current process and returns what happened,
 * so tests can check how specs fail without failing themselves.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';

export interface NestedRunResult {
  readonly passed: readonly string[];
  /** `stack` is what mocha prints under the title (the message, then the frames). */
  readonly failed: readonly { readonly title: string; readonly message: string; readonly stack: string }[];
  /** Titles of skipped specs, including the reason the DSL appended to them. */
  readonly pending: readonly string[];
  /** The directory holding the spec file; reports go to its `reports/` folder. */
  readonly dir: string;
}

export interface NestedRunOptions {
  /** Environment variables set while the nested specs load and run (restored afterwards). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** The DSL's module path for spec source to import (a path, not a file URL, so a nested file reuses the modules already loaded). */
export const DSL_PATH = fileURLToPath(
  // index.ts beside the sources, index.js beside the compiled package.
  new URL(import.meta.url.endsWith('.ts') ? './index.ts' : './index.js', import.meta.url),
);

export async function runNestedSpecs(
  source: string,
  options: NestedRunOptions = {},
): Promise<NestedRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kubexpect-nested-'));
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
  const file = join(dir, 'nested.spec.ts');
  await writeFile(file, source);

  const env = { KUBEXPECT_STEPS: 'off', KUBEXPECT_REPORT_DIR: join(dir, 'reports'), ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const passed: string[] = [];
  const failed: { title: string; message: string; stack: string }[] = [];
  const pending: string[] = [];
  try {
    // The base reporter counts but prints nothing: the outer run reports.
    const mocha = new Mocha({ reporter: Mocha.reporters.Base, timeout: options.timeoutMs ?? 10_000 });
    mocha.addFile(file);
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (t) => passed.push(t.fullTitle()));
      runner.on('fail', (t, err: Error) =>
        failed.push({ title: t.fullTitle(), message: err.message, stack: err.stack ?? '' }),
      );
      runner.on('pending', (t) => pending.push(t.fullTitle()));
    });
    // Removes the runner's process listeners (uncaughtException, unhandledRejection).
    mocha.dispose();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { passed, failed, pending, dir };
}
