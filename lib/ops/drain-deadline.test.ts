import { expect } from 'chai';
import { connect } from '../client/index.ts';
import { kubeconfigFor, UnresponsiveServer } from '../client/testing/unresponsive-server.ts';
import { DEADLINE_GRACE_MS } from '../timeouts/index.ts';
import { drainNode } from './drain.ts';

describe('drainNode under one deadline', () => {
  it('settles within its budget against a server that accepts and never answers, and lets go of it', async () => {
    const server = new UnresponsiveServer();
    const conn = await connect({ kubeconfig: kubeconfigFor(await server.start()) });
    try {
      const started = Date.now();
      const err = await drainNode(conn, 'worker-1', { timeout: '2s' }).catch((e: unknown) => e);
      const ms = Date.now() - started;
      expect((err as Error).message).to.match(/the budget of 2s ran out/);
      // Generous for a busy machine: the point is that it ends, not how fast.
      expect(ms).to.be.below(2000 + DEADLINE_GRACE_MS + 5000);
      expect(server.accepted).to.be.greaterThan(0);
      const end = Date.now() + 10_000;
      while (server.openSockets > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
      expect(server.openSockets).to.equal(0);
    } finally {
      conn.close();
      await server.stop();
    }
  });

  it("stops at the user's AbortSignal, long before its budget, with the signal's reason", async () => {
    const server = new UnresponsiveServer();
    const conn = await connect({ kubeconfig: kubeconfigFor(await server.start()) });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('the spec timed out')), 300);
      const started = Date.now();
      const err = await drainNode(conn, 'worker-1', { timeout: '10m', signal: controller.signal }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).message).to.match(/the spec timed out/);
      expect(Date.now() - started).to.be.below(300 + DEADLINE_GRACE_MS + 5000);
    } finally {
      conn.close();
      await server.stop();
    }
  });
});
