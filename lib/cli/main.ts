/**
 * The `kubexpect` command line: dispatches to its commands and turns mistakes into a message and
 * exit code 2, never a stack trace.
 */
import { CONTROLPLANE_USAGE, parseControlPlaneArgs, runControlPlane } from './controlplane.ts';
import { UsageError } from './args.ts';
import { type Io, parseSimArgs, runSim, SIM_USAGE } from './sim.ts';

const USAGE = `Usage: kubexpect <command> [options]

Commands:
  sim    run the embedded, simulated Kubernetes cluster in the foreground
  controlplane
         run a real control plane (kube-apiserver, etcd, scheduler, controller-manager, kwok
         nodes) from binaries in the foreground

Run 'kubexpect <command> --help' for a command's options.
`;

function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
  };
}

/** Runs the command line and answers the exit code (0 success, 1 failure, 2 usage). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE.trimEnd());
    return command === undefined ? 2 : 0;
  }
  if (command === 'sim') return runCommand('sim', rest, io, SIM_USAGE, parseSimArgs, runSim);
  if (command === 'controlplane') {
    return runCommand('controlplane', rest, io, CONTROLPLANE_USAGE, parseControlPlaneArgs, runControlPlane);
  }
  io.err(`kubexpect: unknown command ${JSON.stringify(command)}\n\n${USAGE.trimEnd()}`);
  return 2;
}

/** One command: parse (undefined: help), run, and turn mistakes into exit codes 2 (usage) or 1. */
async function runCommand<C>(
  name: string,
  args: string[],
  io: Io,
  usage: string,
  parse: (args: string[]) => C | undefined,
  run: (command: C, io: Io) => Promise<number>,
): Promise<number> {
  try {
    const parsed = parse(args);
    if (!parsed) {
      io.out(usage.trimEnd());
      return 0;
    }
    return await run(parsed, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`kubexpect ${name}: ${err.message}\nRun 'kubexpect ${name} --help' for the options.`);
      return 2;
    }
    io.err(`kubexpect ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
