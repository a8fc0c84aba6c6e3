/**
 * One deadline per wait: whatever the server does (never answers, refuses, comes back late), a
 * wait settles within its budget plus DEADLINE_GRACE_MS, says what it saw, and lets go of every
 * connection. Budgets here are short; the slack allowed on top is generous for a busy machine.
 */
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { AssertionError, expect } from 'chai';
import { type Connection, connect, KubeApiError } from '../client/index.ts';
import { kubeconfigFor, LateForwarder, UnresponsiveServer } from '../client/testing/unresponsive-server.ts';
import { consistentlyPod, eventuallyPod } from '../matchers/index.ts';
import { createPod, setPodStatus, useSim } from '../matchers/testing/sim-fixture.ts';
import { openCaches } from '../observe/index.ts';
import { DEADLINE_GRACE_MS } from '../timeouts/index.ts';
import { KubeAssertionError } from './index.ts';

/** On a machine shared with CPU burners timers run late; this much on top of budget + grace is allowed. */
const BUSY_SLACK_MS = 5000;

async function settle(promise: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
}

/** The "after Xs of" figure a failure message prints, in ms. */
function printedElapsed(message: string): number {
  const m = /after (\d+(?:\.\d+)?)(ms|s) of/.exec(message);
  if (!m) throw new Error(`no elapsed time in: ${message}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('bounded waits: one deadline against a hung server', () => {
  let server: UnresponsiveServer;
  let conn: Connection;

  beforeEach(async () => {
    server = new UnresponsiveServer();
    conn = await connect({ kubeconfig: kubeconfigFor(await server.start()) });
  });
  afterEach(async () => {
    conn.close();
    await server.stop();
  });

  it('times out within budget + grace when the server accepts and never answers, printing the true elapsed time', async () => {
    const { err, ms } = await settle(eventuallyPod(conn, 'db', 'db-1', { timeout: '2s' }).toBeReady());
    expect(err).to.be.instanceOf(KubeAssertionError);
    const message = (err as Error).message;
    expect(message).to.match(/^Timed out after \S+ of 2s: expected pod db\/db-1 to be Ready\.\n/);
    expect(message).to.include('\n  state: never listed\n');
    // Nothing failed, nothing answered: the request left waiting is named.
    expect(message).to.match(
      /\n {2}last API error: get namespace db for pods in db: no answer after \S+ \(sent at \+0\.\d{3}s\)$/,
    );
    expect(ms).to.be.below(2000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
    expect(Math.abs(printedElapsed(message) - ms)).to.be.below(2000);
    expect(server.accepted).to.be.greaterThan(0);
    // Nothing is left open: no cache, no socket held on the hung server.
    expect(openCaches(conn)).to.have.length(0);
    await until('the client to let go of its connections', () => server.openSockets === 0);
  });

  it("does the storage lookup of expect: 'auto' inside the budget and fails as an AssertionError", async () => {
    const { err, ms } = await settle(
      eventuallyPod(conn, 'db', 'db-1', { timeout: '2s' }).toBeRescheduledOrPending({
        from: 'worker-1',
        expect: 'auto',
      }),
    );
    expect(err).to.be.instanceOf(AssertionError);
    expect(err).not.to.be.instanceOf(KubeApiError);
    expect((err as Error).message).to.match(
      /^Timed out after \S+ of 2s: expected pod db\/db-1 to be rescheduled off worker-1 or Pending\.\n {2}last seen: the expected outcome was still being worked out/,
    );
    expect(ms).to.be.below(2000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
    await until('the client to let go of its connections', () => server.openSockets === 0);
  });

  it("stops at the user's AbortSignal, long before the budget, with the signal's reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the spec was interrupted')), 300);
    const { err, ms } = await settle(
      eventuallyPod(conn, 'db', 'db-1', { timeout: '60s', signal: controller.signal }).toBeReady(),
    );
    expect((err as Error).message).to.match(
      /^Stopped after \S+ of 1m \(the spec was interrupted\): expected pod db\/db-1 to be Ready\.\n/,
    );
    expect(ms).to.be.below(300 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
    await until('the client to let go of its connections', () => server.openSockets === 0);
  });

  it('ends a consistently wait on time too, saying nothing could be checked', async () => {
    const { err, ms } = await settle(consistentlyPod(conn, 'db', 'db-1', { for: '1s' }).toBeReady());
    expect((err as Error).message).to.match(/^Timed out after \S+ of 1s: expected pod db\/db-1 to be Ready/);
    expect((err as Error).message).to.include('the objects were never listed, so nothing could be checked');
    expect(ms).to.be.below(1000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
  });
});

describe('bounded waits: a dead server', () => {
  it("fails an expect: 'auto' wait as an AssertionError naming the refused connection, within budget + grace", async () => {
    const forwarder = new LateForwarder({ host: '127.0.0.1', port: 1 });
    const conn = await connect({ kubeconfig: kubeconfigFor(await forwarder.reserve()) });
    try {
      const { err, ms } = await settle(
        eventuallyPod(conn, 'db', 'db-1', { timeout: '2s' }).toBeRescheduledOrPending({
          from: 'worker-1',
          expect: 'auto',
        }),
      );
      expect(err).to.be.instanceOf(AssertionError);
      expect((err as Error).message).to.match(/^Timed out after \S+ of 2s: expected pod db\/db-1 /);
      expect((err as Error).message).to.match(/\n {2}last API error: \S.* ECONNREFUSED/);
      expect(ms).to.be.below(2000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
    } finally {
      conn.close();
    }
  });
});

describe('bounded waits: a server that comes back', () => {
  const f = useSim('comeback');

  it('passes when the server is unreachable at the start and comes back at 8s within a 60s budget', async () => {
    await createPod(f, 'db-1');
    const target = new URL(f.conn.server);
    const forwarder = new LateForwarder({ host: target.hostname, port: Number(target.port) });
    const url = await forwarder.reserve();
    const conn = await connect({
      kubeconfig: f.cluster.kubeconfig.replace(`server: ${f.conn.server}`, `server: ${url}`),
    });
    const timer = setTimeout(() => void forwarder.up(), 8000);
    try {
      const started = Date.now();
      const pod = await eventuallyPod(conn, 'comeback', 'db-1', { timeout: '60s' }).toExist();
      expect(pod.metadata?.name).to.equal('db-1');
      expect(Date.now() - started).to.be.at.least(7500);
    } finally {
      clearTimeout(timer);
      conn.close();
      await forwarder.down();
    }
  });

  it('passes through a flapping server (down and up every 300ms) and times out on time when it cannot pass', async () => {
    await createPod(f, 'db-2', { nodeName: 'w1' });
    const target = new URL(f.conn.server);
    const forwarder = new LateForwarder({ host: target.hostname, port: Number(target.port) });
    const url = await forwarder.reserve();
    const conn = await connect({
      kubeconfig: f.cluster.kubeconfig.replace(`server: ${f.conn.server}`, `server: ${url}`),
    });
    let up = false;
    let flapping = true;
    const flap = (async () => {
      while (flapping) {
        await (up ? forwarder.down() : forwarder.up());
        up = !up;
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    try {
      const running = eventuallyPod(conn, 'comeback', 'db-2', {
        timeout: '60s',
        poll: '100ms',
      }).toBeRunning();
      setTimeout(() => void setPodStatus(f, 'db-2', { phase: 'Running' }), 1500);
      expect((await running).status?.phase).to.equal('Running');
      const { err, ms } = await settle(
        eventuallyPod(conn, 'comeback', 'db-2', { timeout: '3s', poll: '100ms' }).toBeOnNode('w9'),
      );
      expect((err as Error).message).to.match(
        /^Timed out after \S+ of 3s: expected pod comeback\/db-2 to be on node w9\./,
      );
      expect(ms).to.be.below(3000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
    } finally {
      flapping = false;
      await flap;
      conn.close();
      await forwarder.down();
    }
  });

  it('reads the events for the failure message within the grace, even when that read never answers', async () => {
    await createPod(f, 'db-3', { nodeName: 'w1' });
    // Forwards everything to the API server except event lists, which it leaves unanswered.
    const target = new URL(f.conn.server);
    const held = new Set<ServerResponse>();
    const proxy: Server = createServer((req, res) => {
      if (req.url?.includes('/events')) {
        held.add(res);
        return;
      }
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const conn = await connect({
      kubeconfig: f.cluster.kubeconfig.replace(`server: ${f.conn.server}`, `server: ${url}`),
    });
    try {
      const { err, ms } = await settle(
        eventuallyPod(conn, 'comeback', 'db-3', { timeout: '1s' }).toBeOnNode('w9'),
      );
      const message = (err as Error).message;
      expect(message).to.match(/^Timed out after \S+ of 1s: expected pod comeback\/db-3 to be on node w9\./);
      expect(message).to.match(/\n {2}latest events: not read \(the budget of 2s grace after 1s ran out\)$/);
      expect(ms).to.be.below(1000 + DEADLINE_GRACE_MS + BUSY_SLACK_MS);
      expect(Math.abs(printedElapsed(message) - ms)).to.be.below(2000);
      expect(printedElapsed(message)).to.be.at.least(1000 + DEADLINE_GRACE_MS - 100);
    } finally {
      conn.close();
      for (const r of held) r.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
