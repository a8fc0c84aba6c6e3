import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';
import { acquireSerialLock, serialLockPath } from './serial-lock.ts';

async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'kubexpect-lock-')), 'serial.lock');
}

describe('acquireSerialLock', () => {
  it('makes a second holder wait until the first releases', async () => {
    const path = await lockPath();
    const order: string[] = [];
    const first = await acquireSerialLock(path, { pollMs: 5 });
    const second = acquireSerialLock(path, { pollMs: 5 }).then((lock) => {
      order.push('second acquired');
      return lock;
    });
    await new Promise((r) => setTimeout(r, 30));
    order.push('first released');
    await first.release();
    await (await second).release();
    expect(order).to.deep.equal(['first released', 'second acquired']);
    expect(existsSync(path)).to.equal(false);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const path = await lockPath();
    await writeFile(
      path,
      JSON.stringify({ pid: 2147483646, token: 'gone', expiresAt: Date.now() + 3_600_000 }),
    );
    const lock = await acquireSerialLock(path, { pollMs: 5 });
    expect(JSON.parse(await readFile(path, 'utf8')).pid).to.equal(process.pid);
    await lock.release();
  });

  it('takes over a lock its living holder kept past the expiry', async () => {
    const path = await lockPath();
    const stuck = await acquireSerialLock(path, { pollMs: 5, holdMs: 100 });
    const started = Date.now();
    const next = await acquireSerialLock(path, { pollMs: 5 });
    expect(Date.now() - started).to.be.at.least(50);
    // The stuck holder's late release leaves the new holder's lock alone.
    await stuck.release();
    expect(existsSync(path)).to.equal(true);
    await next.release();
    expect(existsSync(path)).to.equal(false);
  });

  it('keeps the lock while its holder renews it', async () => {
    const path = await lockPath();
    const holder = await acquireSerialLock(path, { pollMs: 5, holdMs: 100 });
    await holder.renew(60_000);
    let taken = false;
    const waiter = acquireSerialLock(path, { pollMs: 5 }).then((lock) => {
      taken = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(taken).to.equal(false);
    await holder.release();
    await (await waiter).release();
  });
});

describe('Serial containers under mocha --parallel', () => {
  it('release the lock when a cleanup hangs, failing with the cleanup that hung', async () => {
    const result = await runNestedSpecs(
      `import { BeforeAll, DeferCleanup, Describe, It, Serial } from '${DSL_PATH}';
      Describe('maintenance', Serial, () => {
        BeforeAll(() => { DeferCleanup(() => new Promise(() => {})); });
        It('runs', () => {});
      });`,
      { env: { MOCHA_WORKER_ID: '1' }, timeoutMs: 300 },
    );
    expect(result.passed).to.deep.equal(['maintenance runs']);
    expect(result.failed.map((f) => f.title)).to.deep.equal(['maintenance "after all" hook for "runs"']);
    expect(result.failed[0]?.message).to.match(
      /^DeferCleanup: 1 cleanup\(s\) of "maintenance" failed:\n {2}- registered at .*nested\.spec\.ts:\d+:\d+: did not finish within 0\.3s; the cleanups after it ran anyway$/,
    );
    const lock = await acquireSerialLock(serialLockPath(), { pollMs: 5, holdMs: 1000 });
    await lock.release();
  });
});
