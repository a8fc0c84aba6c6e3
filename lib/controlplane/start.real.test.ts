import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ControlPlaneStartError, startControlPlane } from './index.ts';
import { realOnlyDescribe } from './testing/test-target.ts';

const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected start-up to fail');
    },
    (e: unknown) => e as Error,
  );

realOnlyDescribe('startControlPlane start-up failures', () => {
  it('names the component that exited and quotes the end of its log, keeping the logs', async () => {
    const err = await failure(
      startControlPlane({ bare: true, extraArgs: { 'kube-apiserver': ['--no-such-flag=1'] } }),
    );
    expect(err).to.be.instanceOf(ControlPlaneStartError);
    expect(err.message).to.match(
      /^startControlPlane: kube-apiserver exited during start-up; the end of (\/\S+)\/kube-apiserver\.log:\n/,
    );
    expect(err.message).to.include('unknown flag: --no-such-flag');
    const dir = /\(logs kept in (\S+)\)$/.exec(err.message)?.[1];
    expect(dir && existsSync(`${dir}/kube-apiserver.log`)).to.equal(true);
    await rm(dir ?? '', { recursive: true, force: true });
  });

  it('gives up at startTimeoutMs with what it was waiting for', async () => {
    const err = await failure(startControlPlane({ bare: true, startTimeoutMs: 1500 }));
    expect(err).to.be.instanceOf(ControlPlaneStartError);
    expect(err.message).to.match(
      /^startControlPlane: not started within 1\.5 s \(startTimeoutMs\): waiting for (etcd|kube-apiserver) at http/,
    );
    await rm(/\(logs kept in (\S+)\)$/.exec(err.message)?.[1] ?? '', { recursive: true, force: true });
  });
});

/** Pids of processes whose command line mentions `text` (the control plane's temp folder). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

realOnlyDescribe('startControlPlane cleanup', () => {
  it('leaves no process behind when the test process is killed with SIGKILL', async () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const script = `import(${JSON.stringify(entry)}).then(async (m) => {
      const plane = await m.startControlPlane({ bare: true });
      console.log('READY ' + plane.dir);
      setInterval(() => {}, 1000);
    });`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'kubexpect-source', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
    });
    const deadline = Date.now() + 240_000;
    while (!out.includes('READY ')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no control plane: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const dir = /READY (\S+)/.exec(out)?.[1] ?? '';
    expect(await processesMentioning(dir)).to.have.length.of.at.least(3); // etcd, kube-apiserver, controller-manager
    child.kill('SIGKILL');
    const end = Date.now() + 30_000;
    let left = await processesMentioning(dir);
    while (left.length > 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      left = await processesMentioning(dir);
    }
    expect(left, 'processes of the killed test process still running').to.deep.equal([]);
  });

  it('removes its temp folder when the process exits without stop()', async () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const script = `import(${JSON.stringify(entry)}).then(async (m) => {
      const plane = await m.startControlPlane({ bare: true });
      console.log('READY ' + plane.dir);
      process.exit(0);
    });`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'kubexpect-source', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code, out).to.equal(0);
    const dir = /READY (\S+)/.exec(out)?.[1] ?? '';
    expect(dir).to.match(/kubexpect-controlplane-/);
    expect(existsSync(dir)).to.equal(false);
    expect(await processesMentioning(dir)).to.deep.equal([]);
    await rm(dir, { recursive: true, force: true });
  });
});
