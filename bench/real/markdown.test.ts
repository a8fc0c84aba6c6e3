import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { writeRealSection } from './markdown.ts';

describe('BENCHMARKS.md sections of the real control plane', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubexpect-bench-md-'));
    file = join(dir, 'BENCHMARKS.md');
    writeFileSync(file, '# kubexpect benchmarks\n\n## Benchmarks\n\nembedded figures\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends a section the first time, between its markers, leaving the rest as it was', () => {
    writeRealSection('truth', '## Verdict truth on the real control plane\n\n0 wrong', file);
    expect(readFileSync(file, 'utf8')).to.equal(
      '# kubexpect benchmarks\n\n## Benchmarks\n\nembedded figures\n\n<!-- real:truth -->\n## Verdict truth on the real control plane\n\n0 wrong\n<!-- /real:truth -->\n',
    );
  });

  it('replaces only its own section on the next run', () => {
    writeRealSection('truth', 'old truth', file);
    writeRealSection('bench', 'bench figures', file);
    writeRealSection('truth', 'new truth', file);
    const text = readFileSync(file, 'utf8');
    expect(text).to.include('<!-- real:truth -->\nnew truth\n<!-- /real:truth -->');
    expect(text).to.not.include('old truth');
    expect(text).to.include('<!-- real:bench -->\nbench figures\n<!-- /real:bench -->');
    expect(text.indexOf('new truth')).to.be.below(text.indexOf('bench figures'));
  });
});
