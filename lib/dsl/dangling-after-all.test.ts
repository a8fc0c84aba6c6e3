import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const fixture = fileURLToPath(new URL('./testing/dangling-after-all.fixture.ts', import.meta.url));
const mochaBin = fileURLToPath(new URL('../../node_modules/mocha/bin/mocha.js', import.meta.url));

describe('an assertion an AfterAll never awaits', () => {
  it('fails that AfterAll, with its report, and not the next spec', async function () {
    // A second mocha with tsx starts in seconds when idle, in a minute or more on a busy machine.
    this.timeout(240_000);
    const reports = await mkdtemp(join(tmpdir(), 'kubexpect-dangling-'));
    const output = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [
          '--import=tsx',
          '--conditions=kubexpect-source',
          mochaBin,
          '--no-config',
          '--timeout',
          '20000',
          fixture,
        ],
        {
          env: {
            ...process.env,
            FORCE_COLOR: '0',
            NO_COLOR: '1',
            KUBEXPECT_REPORT_DIR: reports,
            KUBEXPECT_STEPS: 'off',
          },
        },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      );
    });
    expect(output).to.match(/✔ passes on its own/);
    expect(output).to.include('1 failing');
    expect(output).to.include('"after all" hook for "runs its spec"');
    expect(output).to.include(
      'An assertion was created in AfterAll of "a container whose AfterAll forgets await" but never awaited, so it checked nothing:\n' +
        '  - eventuallyPod(default/web-0).toBeDeleted()\n' +
        'Add `await` before each (or return it from the test).',
    );
    expect(output).to.include('Failure report:');
  });
});
