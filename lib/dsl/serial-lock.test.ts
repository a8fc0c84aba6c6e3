import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { acquireSerialLock } from './serial-lock.ts';

describe('acquireSerialLock', () => {
  it('makes a second holder wait until the first releases', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kubexpect-lock-')), 'serial.lock');
    const order: string[] = [];
    const releaseFirst = await acquireSerialLock(path, 5);
    const second = acquireSerialLock(path, 5).then((release) => {
      order.push('second acquired');
      return release;
    });
    await new Promise((r) => setTimeout(r, 30));
    order.push('first released');
    await releaseFirst();
    await (await second)();
    expect(order).to.deep.equal(['first released', 'second acquired']);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kubexpect-lock-')), 'serial.lock');
    await writeFile(path, '2147483646');
    const release = await acquireSerialLock(path, 5);
    await release();
  });
});
