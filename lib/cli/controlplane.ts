/**
 * `kubexpect controlplane`: runs a real control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok nodes) in the foreground, writes its kubeconfig, and stops every process on
 * SIGINT or SIGTERM. The library loads it only when this command runs.
 */
import { resolve } from 'node:path';
import type { ControlPlaneOptions, ControlPlanePreset } from '../controlplane/index.ts';
import { parseCommandArgs, UsageError } from './args.ts';
import type { Io } from './sim.ts';

export const CONTROLPLANE_USAGE = `Usage: kubexpect controlplane --kubeconfig FILE [options]

Runs a real Kubernetes control plane on 127.0.0.1 (etcd, kube-apiserver, kube-controller-manager,
kube-scheduler, and kwok playing the kubelets of the preset's nodes) until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --kubeconfig FILE    where to write the admin kubeconfig, mode 0600 (required)
  --preset NAME        nodes and default storage: kind (default; PVs pinned to a node) or cloud
                       (three zones; PVs usable on any node)
  --bin-dir DIR        folder of etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
                       kwok (default: KUBEXPECT_CONTROLPLANE_BIN, KUBEBUILDER_ASSETS, then the
                       project's build from go/build.sh)
  --timeout SECONDS    start-up budget (default 180)
  -h, --help           show this help
`;

export interface ControlPlaneCommand {
  kubeconfig: string;
  options: ControlPlaneOptions;
}

const OPTIONS = {
  kubeconfig: { type: 'string' },
  preset: { type: 'string' },
  'bin-dir': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `controlplane` arguments; undefined means help was asked for. Throws UsageError on mistakes. */
export function parseControlPlaneArgs(args: string[]): ControlPlaneCommand | undefined {
  const v = parseCommandArgs(args, OPTIONS);
  if (!v) return undefined;
  const kubeconfig = resolve(v.kubeconfig);
  const options: ControlPlaneOptions = { kubeconfigPath: kubeconfig };
  if (v.preset !== undefined) {
    if (v.preset !== 'kind' && v.preset !== 'cloud') {
      throw new UsageError(`--preset must be kind or cloud, got ${JSON.stringify(v.preset)}`);
    }
    options.preset = v.preset as ControlPlanePreset;
  }
  if (v['bin-dir'] !== undefined) {
    if (v['bin-dir'].trim() === '') throw new UsageError('--bin-dir must not be empty');
    options.binDir = resolve(v['bin-dir']);
  }
  if (v.timeout !== undefined) {
    const seconds = Number(v.timeout);
    if (!/^\d+$/.test(v.timeout) || seconds < 1 || seconds > 3600) {
      throw new UsageError(
        `--timeout must be a whole number of seconds from 1 to 3600, got ${JSON.stringify(v.timeout)}`,
      );
    }
    options.startTimeoutMs = seconds * 1000;
  }
  return { kubeconfig, options };
}

/** Runs the control plane until a stop signal; answers the process exit code. */
export async function runControlPlane(command: ControlPlaneCommand, io: Io): Promise<number> {
  const { startControlPlane } = await import('../controlplane/index.ts');
  const stopping = io.stopSignal();
  io.out(
    'kubexpect controlplane: starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok',
  );
  const starting = startControlPlane({ ...command.options, onProgress: (line) => io.out(`  ${line}`) });
  const first = await Promise.race([
    starting.then((plane) => ({ plane })),
    stopping.then((signal) => ({ signal })),
  ]);
  if ('signal' in first) {
    await starting.then(
      (plane) => plane.stop(),
      () => {},
    );
    throw new Error(`${first.signal} received during start-up; every process started so far was stopped`);
  }
  const { plane } = first;
  try {
    io.out(`kubexpect controlplane: Kubernetes ${plane.version} listening on ${plane.server}`);
    io.out(`  preset ${plane.preset}: nodes ${plane.nodes.join(', ')}`);
    io.out(`  binaries from ${plane.binDir}; logs in ${plane.dir}`);
    io.out(`kubeconfig written to ${plane.kubeconfig}`);
    io.out(`Use it with:  KUBECONFIG=${plane.kubeconfig} kubectl get nodes`);
    io.out('Press Ctrl-C to stop.');
    // The control plane's processes do not keep Node running (a test that forgets stop() must not
    // hang its runner): the command itself waits.
    const keepAlive = setInterval(() => {}, 60_000);
    const signal = await stopping.finally(() => clearInterval(keepAlive));
    io.out(`kubexpect controlplane: ${signal} received, stopping`);
  } finally {
    await plane.stop();
  }
  io.out('kubexpect controlplane: stopped');
  return 0;
}
