/**
 * The control plane's child processes: each runs in its own process group with its output in a
 * log file, and every group is killed on stop(), when this process exits or is told to stop
 * (SIGINT, SIGTERM), and, through a small watchdog, when this process dies without a word.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

/**
 * On SIGINT or SIGTERM, kill the children; if nobody else listens for the signal, exit as the
 * default handler would have (a listener elsewhere, such as the CLI, stops cleanly itself).
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  killAll();
  process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  // First in line, so listeners that handle the signal themselves are still counted.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);
}

/**
 * Kills the child's process group once this process is gone (SIGKILL, a crash), and ends by itself
 * once the child is gone. The pids are passed as arguments, never spliced into the script.
 */
function startWatchdog(child: number): void {
  const script =
    // dash (Debian's sh) takes `kill -9 -PGID`, not `kill -KILL -- -PGID`.
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "-$2" 2>/dev/null';
  const dog = spawn('sh', ['-c', script, 'kubexpect-watchdog', String(process.pid), String(child)], {
    detached: true,
    stdio: 'ignore',
  });
  dog.unref();
}

/** A running component: a binary in its own process group, its output in logFile. */
export class Component {
  /** Settles when the process has exited (or could not be started). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;
  private readonly child: ChildProcess;

  /** Starts `binary args…` with its output appended to logFile. */
  constructor(
    /** etcd, kube-apiserver, … */
    readonly name: string,
    binary: string,
    args: readonly string[],
    readonly logFile: string,
  ) {
    installHandlers();
    const fd = openSync(logFile, 'a');
    try {
      this.child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const child = this.child;
    if (child.pid !== undefined) {
      live.add(child);
      startWatchdog(child.pid);
    }
    this.exited = new Promise((resolve) => {
      const settle = (code: number | null, signal: NodeJS.Signals | null) => {
        this.done = true;
        live.delete(child);
        resolve({ code, signal });
      };
      child.once('exit', settle);
      // ENOENT and EACCES arrive as an 'error' event, not an exit.
      child.once('error', () => settle(null, null));
    });
    child.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  hasExited(): boolean {
    return this.done;
  }

  /** SIGTERM to the process group, SIGKILL after graceMs; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.done) return;
    killGroup(this.child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The last lines of a component's log, for error messages. */
export function logTail(component: Pick<Component, 'logFile'>, lines = 25): string {
  let text: string;
  try {
    text = readFileSync(component.logFile, 'utf8');
  } catch {
    return `(no log at ${component.logFile})`;
  }
  const tail = text.trimEnd().split('\n').slice(-lines);
  return tail.map((l) => `    ${l}`).join('\n') || `    (${basename(component.logFile)} is empty)`;
}
