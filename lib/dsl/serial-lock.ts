/**
 * Serial specs under `mocha --parallel`: mocha spreads files over worker processes, so Serial specs
 * take a lock file shared by the workers of one run and never overlap each other.
 */
import { createHash } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function serialLockPath(cwd = process.cwd()): string {
  const id = createHash('sha256').update(cwd).digest('hex').slice(0, 12);
  return join(tmpdir(), `kubexpect-serial-${id}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until this process holds the lock; a lock left by a dead process is taken over. */
export async function acquireSerialLock(path = serialLockPath(), pollMs = 100): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    await sleep(pollMs);
  }
}
