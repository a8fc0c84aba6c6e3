/**
 * The `kubexpect` command line: dispatches to its commands and turns mistakes into a message and
 * exit code 2, never a stack trace.
 */
import { parseSimArgs, runSim, SIM_USAGE, type Io, UsageError } from './sim.ts';

const USAGE = `Usage: kubexpect <command> [options]

Commands:
  sim    run the embedded, simulated Kubernetes cluster in the foreground

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
  if (command !== 'sim') {
    io.err(`kubexpect: unknown command ${JSON.stringify(command)}\n\n${USAGE.trimEnd()}`);
    return 2;
  }
  try {
    const parsed = parseSimArgs(rest);
    if (!parsed) {
      io.out(SIM_USAGE.trimEnd());
      return 0;
    }
    return await runSim(parsed, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`kubexpect sim: ${err.message}\nRun 'kubexpect sim --help' for the options.`);
      return 2;
    }
    io.err(`kubexpect sim: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
