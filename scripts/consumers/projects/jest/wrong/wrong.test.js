// Run on its own and expected to fail: Jest must print kubexpect's messages.
import { connect, eventuallyPod } from 'kubexpect';
import { pod } from 'kubexpect/jest';

let conn;

beforeAll(async () => {
  conn = await connect(); // KUBECONFIG, from jest.global-setup.js
});
afterAll(() => conn?.close());

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
