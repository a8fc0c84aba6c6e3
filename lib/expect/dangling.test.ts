import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const fixture = fileURLToPath(new URL('./fixtures/dangling.fixture.ts', import.meta.url));

function runMocha(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '--import=tsx',
        '--conditions=kubexpect-source',
        fileURLToPath(new URL('../../node_modules/mocha/bin/mocha.js', import.meta.url)),
        '--no-config',
        '--timeout',
        '20000',
        '--reporter',
        'spec',
        file,
      ],
      { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('an assertion that is never awaited', () => {
  it('fails the test it was made in, says so, and lets the next test run', async function () {
    // A second mocha with tsx starts in seconds when idle, in a minute or more on a busy machine.
    this.timeout(240_000);
    const { code, output } = await runMocha(fixture);
    expect(code).to.equal(1);
    // Mocha reports the test as passed, then failed by kubexpect's after-each check.
    expect(output).to.include('1 failing');
    expect(output).to.match(/✔ still runs the next test/);
    expect(output).to.include('a spec with a missing await');
    expect(output).to.include('forgets to await its assertion');
    expect(output).to.include(
      'An assertion was created in this test but never awaited, so it checked nothing:\n' +
        '  - eventuallyPod(default/web-0).toBeReady()\n' +
        'Add `await` before each (or return it from the test).',
    );
    // The wait was cancelled, so the run ended long before its 30 s budget.
    expect(output).not.to.include('Timed out');
  });
});
