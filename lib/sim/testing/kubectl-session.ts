/** The real kubectl against a simulated cluster, for the simulator's own acceptance tests. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from '../cluster.ts';
import { kubectlPath } from '../kubectl.ts';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlSession {
  /** A private folder holding the kubeconfig, kubectl's HOME and its cache; tests may write manifests here. */
  dir: string;
  /** Runs kubectl with these arguments; resolves with its exit code and output, never rejects. */
  run(args: string[]): Promise<KubectlRun>;
  /** Removes the folder. */
  close(): Promise<void>;
}

/**
 * A kubectl with its own HOME, kubeconfig and discovery cache, so no state leaks between runs or
 * test files. Each run is stopped after `timeoutMs`.
 */
export async function kubectlSession(cluster: Cluster, timeoutMs: number): Promise<KubectlSession> {
  const kubectl = await kubectlPath();
  const dir = await mkdtemp(join(tmpdir(), 'kubexpect-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await cluster.writeKubeconfig(kubeconfig);
  return {
    dir,
    run: (args) =>
      new Promise((resolve) => {
        execFile(
          kubectl,
          [...args, `--cache-dir=${join(dir, 'cache')}`],
          { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig }, timeout: timeoutMs },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
