// Run on its own and expected to fail: Vitest must print kubexpect's messages.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connect, eventuallyPod } from 'kubexpect';
import { pod } from 'kubexpect/vitest';
import { startCluster } from 'kubexpect/sim';

let sim;
let conn;

beforeAll(async () => {
  sim = await startCluster({ preset: 'kind', timeScale: 0.05, seed: 7 });
  conn = await connect({ kubeconfig: sim.kubeconfig });
});
afterAll(async () => {
  conn?.close();
  await sim?.stop();
});

test('a wrong expectation', async () => {
  await expect(pod(conn, 'kube-system', 'no-such-pod')).toEventuallyBeReady({ timeout: '2s' });
});

test('a forgotten await', () => {
  eventuallyPod(conn, 'kube-system', 'forgotten-pod').toBeReady();
});

test('a wait longer than the test may run', async () => {
  await expect(pod(conn, 'kube-system', 'slow-pod')).toEventuallyBeReady({ timeout: '5m' });
}, 3_000);

test('a wrong expectation through the core API', async () => {
  await eventuallyPod(conn, 'kube-system', 'core-api-pod', { timeout: '1s' }).toBeReady();
});
