/**
 * The differential's table: agreement (sequences fully agreeing, steps agreeing), per theme, the
 * mismatches grouped by what differs, then each mismatch with both answers, truncated.
 */
import type { Sequence, Step } from './corpus.ts';
import { canonical, differences } from './normalise.ts';
import type { SequenceOutcome, StepOutcome } from './sequence.ts';

export interface SequenceResult {
  seq: Sequence;
  real: SequenceOutcome;
  sim: SequenceOutcome;
}

export interface Tally {
  sequences: number;
  sequencesAgreeing: number;
  steps: number;
  stepsAgreeing: number;
}

/** Steps that only open a background watch, and preparation steps, answer nothing to compare. */
const counted = (o: StepOutcome) => !o.setup && canonical(o.answer) !== canonical({ status: 'open' });

export function stepAgrees(r: SequenceResult, i: number): boolean {
  return canonical(r.real.steps[i]?.answer) === canonical(r.sim.steps[i]?.answer);
}

export function tally(results: readonly SequenceResult[]): Tally {
  const t: Tally = { sequences: results.length, sequencesAgreeing: 0, steps: 0, stepsAgreeing: 0 };
  for (const r of results) {
    let all = true;
    r.real.steps.forEach((o, i) => {
      if (!counted(o)) return;
      t.steps++;
      if (stepAgrees(r, i)) t.stepsAgreeing++;
      else all = false;
    });
    if (all) t.sequencesAgreeing++;
  }
  return t;
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);

export function agreementLine(t: Tally): string {
  return `differential: ${t.sequencesAgreeing}/${t.sequences} sequences agree (${pct(t.sequencesAgreeing, t.sequences)}), ${t.stepsAgreeing}/${t.steps} steps (${pct(t.stepsAgreeing, t.steps)})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function describeStep(step: Step): string {
  if (step.collect) return `collect watch ${step.collect}`;
  const ct = step.contentType ? ` (${step.contentType})` : '';
  return `${step.method} ${step.path}${step.query ? `?${new URLSearchParams(Object.entries(step.query).map(([k, v]): [string, string] => [k, String(v)]))}` : ''}${ct}`;
}

/** What kind of difference a mismatch is: the status codes, else the first differing part. */
function category(real: unknown, sim: unknown): string {
  const r = real as { status?: unknown; error?: string };
  const s = sim as { status?: unknown; error?: string };
  if (s.error !== undefined) return `simulator: ${s.error.split(':')[0]}`;
  if (r.status !== s.status) return `status ${String(r.status)} (real) vs ${String(s.status)} (sim)`;
  const paths = differences(real, sim, 1);
  const top = (paths[0] ?? '')
    .replace(/\[[^\]]*\]/g, '[]')
    .split('.')
    .slice(0, 3)
    .join('.');
  return `same status ${String(r.status)}, differs at ${top}`;
}

function categories(results: readonly SequenceResult[]): [string, number][] {
  const cats = new Map<string, number>();
  for (const r of results) {
    r.real.steps.forEach((o, i) => {
      if (!counted(o) || stepAgrees(r, i)) return;
      const cat = category(o.answer, r.sim.steps[i]?.answer);
      cats.set(cat, (cats.get(cat) ?? 0) + 1);
    });
  }
  return [...cats].sort((a, b) => b[1] - a[1]);
}

/** BENCHMARKS.md's section (between its markers): the figure, per theme, the largest kinds of mismatch. */
export function renderBenchmarks(results: readonly SequenceResult[], info: Record<string, string>): string {
  const t = tally(results);
  const themes = [...new Set(results.map((r) => r.seq.theme))];
  const out = [
    '## Simulator vs real control plane (differential)',
    '',
    `Command: \`${info.command}\` — ${info.date}, ${info['wall time']}; ${info.servers}. Written by \`--record\`; the full table with every mismatch and both answers is \`reports/differential.md\` (\`npm run test:real\` writes it too).`,
    '',
    `**${agreementLine(t).replace('differential: ', '')}** — a sequence agrees when every one of its steps does.`,
    '',
    '| theme | sequences | steps |',
    '|---|---|---|',
    ...themes.map((theme) => {
      const tt = tally(results.filter((r) => r.seq.theme === theme));
      return `| ${theme} | ${tt.sequencesAgreeing}/${tt.sequences} | ${tt.stepsAgreeing}/${tt.steps} |`;
    }),
    '',
    'Largest kinds of mismatch (steps):',
    '',
    ...categories(results)
      .slice(0, 8)
      .map(([cat, n]) => `- ${cat}: ${n}`),
  ];
  return out.join('\n');
}

export function renderReport(results: readonly SequenceResult[], info: Record<string, string>): string {
  const t = tally(results);
  const out: string[] = ['# Simulator vs real control plane: the differential', ''];
  for (const [k, v] of Object.entries(info)) out.push(`- ${k}: ${v}`);
  out.push('', `**${agreementLine(t).replace('differential: ', '')}**`, '');

  out.push('## By theme', '', '| theme | sequences agreeing | steps agreeing |', '|---|---|---|');
  const themes = [...new Set(results.map((r) => r.seq.theme))];
  for (const theme of themes) {
    const tt = tally(results.filter((r) => r.seq.theme === theme));
    out.push(
      `| ${theme} | ${tt.sequencesAgreeing}/${tt.sequences} (${pct(tt.sequencesAgreeing, tt.sequences)}) | ${tt.stepsAgreeing}/${tt.steps} (${pct(tt.stepsAgreeing, tt.steps)}) |`,
    );
  }

  const mismatches: { r: SequenceResult; i: number; cat: string }[] = [];
  for (const r of results) {
    r.real.steps.forEach((o, i) => {
      if (counted(o) && !stepAgrees(r, i))
        mismatches.push({ r, i, cat: category(o.answer, r.sim.steps[i]?.answer) });
    });
  }
  const cats = new Map<string, number>();
  for (const m of mismatches) cats.set(m.cat, (cats.get(m.cat) ?? 0) + 1);
  out.push('', '## Mismatches by kind', '', '| what differs | steps |', '|---|---|');
  for (const [cat, n] of [...cats].sort((a, b) => b[1] - a[1]))
    out.push(`| ${cat.replace(/\|/g, '\\|')} | ${n} |`);

  out.push('', '## Each mismatch', '');
  for (const { r, i } of mismatches) {
    const step = r.seq.steps[i] as Step;
    const real = r.real.steps[i] as StepOutcome;
    const sim = r.sim.steps[i] as StepOutcome;
    out.push(`### ${r.seq.theme}/${r.seq.name}, step ${i + 1}: ${describeStep(step)}`, '');
    if (r.seq.why) out.push(`${r.seq.why}`, '');
    out.push(
      `Differs at: ${differences(real.answer, sim.answer)
        .map((p) => `\`${p}\``)
        .join(', ')}`,
      '',
    );
    out.push(
      '```',
      `real: ${truncate(canonical(real.answer), 900)}`,
      `sim:  ${truncate(canonical(sim.answer), 900)}`,
      '```',
    );
    const simMessage = (sim.raw as { message?: unknown } | undefined)?.message;
    const realMessage = (real.raw as { message?: unknown } | undefined)?.message;
    if (typeof realMessage === 'string' || typeof simMessage === 'string') {
      out.push(
        '',
        `messages — real: ${truncate(String(JSON.stringify(realMessage)), 300)}; sim: ${truncate(String(JSON.stringify(simMessage)), 300)}`,
      );
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
