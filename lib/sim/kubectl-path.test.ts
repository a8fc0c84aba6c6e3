import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { kubectlPath } from './kubectl.ts';

describe('kubectlPath', () => {
  let dir: string;
  const saved = process.env.KUBECTL;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubexpect-kubectl-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.KUBECTL;
    else process.env.KUBECTL = saved;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('answers the executable KUBECTL names', async () => {
    const own = join(dir, 'my-kubectl');
    await writeFile(own, '#!/bin/sh\n');
    await chmod(own, 0o755);
    process.env.KUBECTL = own;
    expect(await kubectlPath()).to.equal(own);
  });

  it('rejects a KUBECTL that is not an executable file, naming it', async () => {
    process.env.KUBECTL = join(dir, 'missing');
    await kubectlPath().then(
      () => expect.fail('kubectlPath resolved'),
      (err: Error) =>
        expect(err.message).to.equal(
          `kubectlPath: KUBECTL is ${JSON.stringify(join(dir, 'missing'))}, which is not an executable file.`,
        ),
    );
  });
});
