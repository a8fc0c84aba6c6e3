/**
 * `kubexpect sim`: runs the embedded cluster in the foreground, writes a kubeconfig for it once the
 * server answers, and stops cleanly on SIGINT or SIGTERM (the kubeconfig stays where it was written).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readEnv } from '../config/env.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import { type ClusterOptions, type FaultCode, type FaultOptions, startCluster } from '../sim/index.ts';

export const SIM_USAGE = `Usage: kubexpect sim --kubeconfig FILE [options]

Runs an embedded, simulated Kubernetes API server on 127.0.0.1 until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --kubeconfig FILE              where to write the kubeconfig (required)
  --port N                       TCP port (default: a free one)
  --preset NAME                  simulated cluster: kind or cloud (default: a bare API server)
  --time-scale X                 multiply simulated latencies, e.g. 0.1 (default 1)
  --seed N                       seed for every random choice (default: random, printed)
  --fault-rate R                 share of requests (0 to 1) answered with an injected error
  --fault-codes LIST             errors to inject, from 500,503,429 (default: all three)
  --retry-after SECONDS          Retry-After of injected 429s (default 1)
  --latency-ms MS                delay added to every request
  --close-watches-every SECONDS  close watch streams after this long
  --expire-on-resume             answer watches resuming from an older resourceVersion with 410
  --token-file FILE              require the bearer token in FILE (one trailing newline is ignored);
                                 KUBEXPECT_SIM_TOKEN=TOKEN does the same from the environment.
                                 Default: no authentication (kubectl sends tokens only over TLS, so
                                 it cannot use one here). There is no --token: the process list
                                 would show it to every user of the machine.
  -h, --help                     show this help
`;

export interface SimCommand {
  kubeconfig: string;
  cluster: ClusterOptions;
}

const OPTIONS = {
  kubeconfig: { type: 'string' },
  port: { type: 'string' },
  preset: { type: 'string' },
  'time-scale': { type: 'string' },
  seed: { type: 'string' },
  'fault-rate': { type: 'string' },
  'fault-codes': { type: 'string' },
  'retry-after': { type: 'string' },
  'latency-ms': { type: 'string' },
  'close-watches-every': { type: 'string' },
  'expire-on-resume': { type: 'boolean' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function positiveNumber(flag: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(
      `--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * The bearer token from --token-file or KUBEXPECT_SIM_TOKEN, never from the command line, where
 * /proc/PID/cmdline shows it to everyone; undefined for none.
 */
function tokenFrom(
  values: { token?: string; 'token-file'?: string },
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (values.token !== undefined) {
    throw new UsageError(
      '--token would show the token to every user of this machine in the process list; put it in a file named by --token-file FILE, or in KUBEXPECT_SIM_TOKEN',
    );
  }
  const fromEnv = readEnv('KUBEXPECT_SIM_TOKEN', env);
  const file = values['token-file'];
  if (file !== undefined && fromEnv !== undefined) {
    throw new UsageError('both --token-file and KUBEXPECT_SIM_TOKEN are set; use one');
  }
  let token = fromEnv;
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UsageError(
        `--token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (token === '') throw new UsageError(`--token-file ${file} is empty`);
  }
  if (token !== undefined && !/^[\x20-\x7e]+$/.test(token)) {
    throw new UsageError(
      `the token ${file !== undefined ? `in ${file}` : 'in KUBEXPECT_SIM_TOKEN'} has a character an HTTP Authorization header cannot carry (a newline, a control character or non-ASCII text)`,
    );
  }
  return token;
}

/** Parses `sim` arguments; undefined means help was asked for. Throws UsageError on mistakes. */
export function parseSimArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SimCommand | undefined {
  const v = parseCommandArgs(args, OPTIONS);
  if (!v) return undefined;
  // kubectl reads credentials from a kubeconfig only for TLS servers, so a token would lock it out.
  const cluster: ClusterOptions = { token: tokenFrom(v, env) ?? false };
  if (v.port !== undefined) cluster.port = wholeNumber('port', v.port, 0, 65535);
  if (v.seed !== undefined) cluster.seed = wholeNumber('seed', v.seed, 0, 2 ** 31 - 1);
  if (v['time-scale'] !== undefined) cluster.timeScale = positiveNumber('time-scale', v['time-scale']);
  if (v.preset !== undefined) cluster.preset = v.preset as ClusterOptions['preset'];
  const faults: FaultOptions = {};
  if (v['fault-rate'] !== undefined) {
    const rate = positiveNumber('fault-rate', v['fault-rate'], true);
    if (rate > 1)
      throw new UsageError(`--fault-rate must be from 0 to 1, got ${JSON.stringify(v['fault-rate'])}`);
    faults.errorRate = rate;
  }
  if (v['fault-codes'] !== undefined) {
    const codes = v['fault-codes'].split(',').map((c) => c.trim());
    for (const c of codes) {
      if (!['500', '503', '429'].includes(c)) {
        throw new UsageError(
          `--fault-codes takes a comma-separated list of 500, 503 and 429, got ${JSON.stringify(c)}`,
        );
      }
    }
    faults.errorCodes = codes.map(Number) as FaultCode[];
  }
  if (v['retry-after'] !== undefined)
    faults.retryAfterSeconds = wholeNumber('retry-after', v['retry-after'], 1, 3600);
  if (v['latency-ms'] !== undefined) faults.latencyMs = positiveNumber('latency-ms', v['latency-ms'], true);
  if (v['close-watches-every'] !== undefined) {
    faults.closeWatchesEverySeconds = positiveNumber('close-watches-every', v['close-watches-every']);
  }
  if (v['expire-on-resume']) faults.expireOnResume = true;
  if (Object.keys(faults).length > 0) cluster.faults = faults;
  return { kubeconfig: resolve(v.kubeconfig), cluster };
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the signal that asks the command to stop. */
  stopSignal(): Promise<string>;
}

/** Runs the cluster until a stop signal; answers the process exit code. */
export async function runSim(command: SimCommand, io: Io): Promise<number> {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  try {
    cluster = await startCluster(command.cluster);
  } catch (err) {
    // Bad option values the cluster itself checks (unknown preset, fault options) are usage errors.
    if (err instanceof TypeError) throw new UsageError(err.message.replace(/^startCluster: /, ''));
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${command.cluster.port} on 127.0.0.1 is already in use; choose another with --port, or leave --port out for a free one`,
      );
    }
    throw err;
  }
  const stopping = io.stopSignal();
  try {
    const health = await fetch(`${cluster.url}/healthz`);
    if (!health.ok) throw new Error(`the embedded API server answered /healthz with ${health.status}`);
    await cluster.writeKubeconfig(command.kubeconfig);
    const preset =
      typeof command.cluster.preset === 'string' ? command.cluster.preset : 'none (bare API server)';
    io.out(`kubexpect sim: API server listening on ${cluster.url}`);
    io.out(`  seed ${cluster.seed}, preset ${preset}, time scale ${command.cluster.timeScale ?? 1}`);
    if (command.cluster.faults) io.out(`  faults ${JSON.stringify(command.cluster.faults)}`);
    io.out(`kubeconfig written to ${command.kubeconfig}`);
    io.out(`Use it with:  KUBECONFIG=${command.kubeconfig} kubectl get nodes`);
    io.out('Press Ctrl-C to stop.');
    const signal = await stopping;
    io.out(`kubexpect sim: ${signal} received, stopping`);
  } finally {
    await cluster.stop();
  }
  io.out('kubexpect sim: stopped');
  return 0;
}
