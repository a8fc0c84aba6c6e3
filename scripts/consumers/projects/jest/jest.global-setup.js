// The embedded cluster runs in Jest's own process, outside the tests' sandbox; tests connect() to it
// through KUBECONFIG. One cluster for the run: maxWorkers 1 keeps disruptive tests apart.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from 'kubexpect/sim';

export default async function globalSetup() {
  const sim = await startCluster({ preset: 'kind', timeScale: 0.05 });
  process.env.KUBECONFIG = join(tmpdir(), `kubexpect-jest-${process.pid}.kubeconfig`);
  await sim.writeKubeconfig(process.env.KUBECONFIG);
  globalThis.kubexpectSim = sim;
}
