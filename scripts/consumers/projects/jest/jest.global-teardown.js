import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  await globalThis.kubexpectSim?.stop();
  await rm(process.env.KUBECONFIG, { force: true });
}
