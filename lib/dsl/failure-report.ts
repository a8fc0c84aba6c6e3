/**
 * The failure report: the steps, the failure, and what the registered diagnostic sources saw of the
 * cluster, written to a file under reports/ and summarised in the error mocha prints.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Scope, Step } from './scope.ts';
import { dslSettings } from './settings.ts';
import { formatSeconds } from './steps.ts';

export type NodeKind = 'It' | 'BeforeEach' | 'AfterEach' | 'BeforeAll' | 'AfterAll';

export interface FailureContext {
  readonly scope: Scope;
  readonly node: NodeKind;
  readonly error: unknown;
  readonly fullTitle: string;
  readonly file: string | undefined;
  readonly labels: readonly string[];
}

/** How long one diagnostic source may take; a broken cluster must not hang the report. */
const DIAGNOSTIC_LIMIT_MS = 15_000;

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'spec'
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function stepLines(steps: readonly Step[], origin: number): string[] {
  return steps.map((s) => {
    const took = s.endedAt === undefined ? 'still running' : formatSeconds(s.endedAt - s.startedAt);
    const mark = s.failed ? '  ✗ failed here' : '';
    return `  ${s.index}. [+${formatSeconds(s.startedAt - origin)}, ${took}] ${s.text}${mark}`;
  });
}

async function collectWithLimit<T extends string | undefined>(
  collect: () => Promise<T>,
): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`(not collected: no answer within ${DIAGNOSTIC_LIMIT_MS / 1000}s)`),
      DIAGNOSTIC_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([
      collect().catch((err: unknown) => `(not collected: ${errorText(err)})`),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The step that was running or failed when the node failed. */
export function failedStep(scope: Scope): Step | undefined {
  return scope.steps.find((s) => s.failed) ?? scope.steps.at(-1);
}

export interface FailureReportText {
  readonly text: string;
  /** The diagnostic sources' one-line summaries, for the error message. */
  readonly summaries: readonly string[];
}

export async function buildFailureReport(ctx: FailureContext, now = Date.now()): Promise<FailureReportText> {
  const { scope } = ctx;
  const lines: string[] = [
    `# ${ctx.fullTitle}`,
    '',
    `file: ${ctx.file ? relative(process.cwd(), ctx.file) : '(unknown)'}`,
    `failed in: ${ctx.node}, after ${formatSeconds(now - scope.startedAt)}, at ${new Date(now).toISOString()}`,
  ];
  if (ctx.labels.length > 0) lines.push(`labels: ${ctx.labels.join(', ')}`);
  lines.push('', '## Failure', '', errorText(ctx.error), '', '## Steps', '');
  lines.push(...(scope.steps.length > 0 ? stepLines(scope.steps, scope.startedAt) : ['  (no By steps)']));
  for (const ancestor of scope.chain().slice(1)) {
    if (ancestor.steps.length === 0) continue;
    lines.push(
      '',
      `## Setup steps of "${ancestor.title}"`,
      '',
      ...stepLines(ancestor.steps, ancestor.startedAt),
    );
  }
  const summaries: string[] = [];
  for (const source of scope.chain().flatMap((s) => s.diagnostics)) {
    lines.push(
      '',
      `## ${source.title}`,
      '',
      await collectWithLimit(() => source.collect({ since: scope.startedAt })),
    );
    // A summary that cannot be made is left out: the report's section says why.
    const summary = source.summarize
      ? await collectWithLimit(() => source.summarize!().catch(() => undefined))
      : undefined;
    if (summary?.startsWith('(not collected')) continue;
    if (summary) summaries.push(summary);
  }
  return { text: `${lines.join('\n')}\n`, summaries };
}

/** Writes the report; returns its path (relative to the working directory) and the summaries. */
export async function writeFailureReport(
  ctx: FailureContext,
): Promise<{ path: string; summaries: readonly string[] }> {
  const dir = join(dslSettings().reportDir, ctx.file ? basename(ctx.file).replace(/\..*$/, '') : 'specs');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${slug(ctx.fullTitle)}.md`);
  const report = await buildFailureReport(ctx);
  await writeFile(path, report.text);
  const rel = relative(process.cwd(), path);
  return { path: rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel, summaries: report.summaries };
}

/** Appends the report's path, the failing step and the sources' summaries to the error mocha will print. */
export function summariseInError(
  error: unknown,
  reportPath: string,
  scope: Scope,
  summaries: readonly string[] = [],
): void {
  if (!(error instanceof Error)) return;
  const step = failedStep(scope);
  const where = step
    ? `\n  during step ${step.index} "${step.text}" (+${formatSeconds(step.startedAt - scope.startedAt)})`
    : '';
  const notes = summaries.map((s) => `\n  ${s}`).join('');
  const suffix = `\n\nFailure report: ${reportPath}${where}${notes}`;
  const before = error.message;
  // mocha prints the stack, which starts with the message; read it before the message changes
  // (V8 formats it lazily, with whatever message the error has at the first read).
  const stack = error.stack;
  error.message = before + suffix;
  if (stack?.includes(before)) error.stack = stack.replace(before, error.message);
}
