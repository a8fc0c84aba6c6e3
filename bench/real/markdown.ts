/**
 * The real-control-plane sections of BENCHMARKS.md. bench/report.ts renders the embedded figures;
 * these sections are written between markers of their own (`<!-- real:ID -->` … `<!-- /real:ID -->`),
 * replaced in place on each run, or appended at the end the first time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { MARKDOWN_PATH } from '../report.ts';

/** Puts `body` (markdown, starting with its own heading) in place of section `id`. */
export function writeRealSection(id: string, body: string, path = MARKDOWN_PATH): void {
  const start = `<!-- real:${id} -->`;
  const end = `<!-- /real:${id} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}

/** A markdown table. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
