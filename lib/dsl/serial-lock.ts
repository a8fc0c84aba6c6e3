/**
 * Serial specs under `mocha --parallel`: mocha spreads files over worker processes, so Serial specs
 * take a lock file shared by the workers of one run and never overlap each other. The file holds
 * the holder's pid and an expiry: a waiter takes the lock over when the holder has died or has held
 * it past the expiry (a hung cleanup), so no run can deadlock on it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function serialLockPath(cwd = process.cwd()): string {
  const id = createHash('sha256').update(cwd).digest('hex').slice(0, 12);
  return join(tmpdir(), `kubexpect-serial-${id}.lock`);
}

export interface SerialLockOptions {
  /** How often a waiter looks at the lock. Default 100 ms. */
  readonly pollMs?: number;
  /** How long the lock is held at most before waiters may take it over; renew() extends it. Default 1 hour. */
  readonly holdMs?: number;
}

export interface SerialLock {
  /** Holds the lock for `holdMs` more from now (the next node's timeout, plus room for its report). */
  renew(holdMs: number): Promise<void>;
  /** Releases the lock if this process still holds it. Idempotent. */
  release(): Promise<void>;
}

const DEFAULT_HOLD_MS = 60 * 60_000;

interface Holder {
  readonly pid: number;
  readonly token: string;
  readonly expiresAt: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder the file names; a bare pid (an older lock) never expires by time. */
function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(h.pid) && typeof h.token === 'string' && typeof h.expiresAt === 'number') {
      return h as Holder;
    }
  } catch {
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0) return { pid, token: '', expiresAt: Number.POSITIVE_INFINITY };
  }
  return undefined;
}

let next = 0;

/** Waits until this process holds the lock; a lock left by a dead process, or held past its expiry, is taken over. */
export async function acquireSerialLock(
  path = serialLockPath(),
  options: SerialLockOptions = {},
): Promise<SerialLock> {
  const pollMs = options.pollMs ?? 100;
  const token = `${process.pid}-${Date.now()}-${next++}`;
  const record = (holdMs: number) =>
    JSON.stringify({ pid: process.pid, token, expiresAt: Date.now() + holdMs } satisfies Holder);
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(record(options.holdMs ?? DEFAULT_HOLD_MS));
      await handle.close();
      return held(path, token, record);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const holder = text === undefined ? undefined : parseHolder(text);
    // An empty or half-written file is a holder between open and write: wait for it.
    if (holder && (!alive(holder.pid) || Date.now() > holder.expiresAt)) {
      await removeIfUnchanged(path, text!);
      continue;
    }
    await sleep(pollMs);
  }
}

/** Removes the lock only if it still holds what was read, so two waiters never both take it over. */
async function removeIfUnchanged(path: string, seen: string): Promise<void> {
  const now = await readFile(path, 'utf8').catch(() => undefined);
  if (now === seen) await unlink(path).catch(() => undefined);
}

function held(path: string, token: string, record: (holdMs: number) => string): SerialLock {
  let released = false;
  const ours = async () => parseHolder(await readFile(path, 'utf8').catch(() => ''))?.token === token;
  // A worker that exits (even killed by mocha after a failure) leaves no lock behind.
  const onExit = () => {
    try {
      if (parseHolder(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    async renew(holdMs: number) {
      if (released || !(await ours())) return;
      const partial = `${path}.${token}`;
      await writeFile(partial, record(holdMs));
      await rename(partial, path);
    },
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      if (await ours()) await unlink(path).catch(() => undefined);
    },
  };
}
