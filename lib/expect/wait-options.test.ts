/**
 * Wait options are checked at the call, also for plain-JavaScript callers whose types are not
 * checked: a bad one is a TypeError there, saying what is accepted, and nothing is left open.
 */
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { kubeconfigFor, UnresponsiveServer } from '../client/testing/unresponsive-server.ts';
import { eventuallyPod } from '../matchers/index.ts';
import { openCaches } from '../observe/index.ts';
import {
  mochaRunnerTimeout,
  registerMochaRunnerTimeout,
  runnerTimeoutHint,
  setRunnerTimeoutSource,
} from './index.ts';
import { resolveTimeout } from '../timeouts/index.ts';

// Root hooks note the running test, so a wait knows mocha's timeout for it.
registerMochaRunnerTimeout();

/** Calls an entry point the way a JavaScript user can, with options the types would refuse. */
const untyped = (options: unknown) => options as Parameters<typeof eventuallyPod>[3];

describe('wait options checked at the call', () => {
  let server: UnresponsiveServer;
  let conn: Connection;

  before(async () => {
    server = new UnresponsiveServer();
    conn = await connect({ kubeconfig: kubeconfigFor(await server.start()) });
  });
  after(async () => {
    conn.close();
    await server.stop();
  });

  it('refuses a signal that is not an AbortSignal, opening nothing', () => {
    expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ signal: {} })).toBeReady()).to.throw(
      TypeError,
      'signal: expected an AbortSignal (e.g. new AbortController().signal or AbortSignal.timeout(ms)), got an object without aborted/addEventListener',
    );
    expect(openCaches(conn)).to.have.length(0);
    expect(conn.openCount).to.equal(0);
    expect(server.accepted).to.equal(0);
  });

  it('refuses a progress writer that is not a function', () => {
    expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ progress: { write: 'x' } }))).to.throw(
      TypeError,
      'progress.write: expected a function (line: string) => void, got string; omit it to print on stderr',
    );
    expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ progress: 'yes' }))).to.throw(
      TypeError,
      'progress: expected true, false or { after?, every?, write? }, got string',
    );
    expect(openCaches(conn)).to.have.length(0);
  });

  it('refuses bad timeouts, naming every accepted form', () => {
    const accepted =
      "expected a budget name (short, namespaceCreation, newPrimaryAfterFailover…), a duration like '90s', '2m' or '1m30s', or milliseconds as a number";
    for (const [value, got] of [
      [{}, 'object'],
      [Number.NaN, 'NaN'],
      [true, 'boolean'],
    ] as const) {
      expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ timeout: value }))).to.throw(
        TypeError,
        `timeout: ${accepted}; got ${got}`,
      );
    }
    expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ timeout: '5 minutes' }))).to.throw(
      TypeError,
      "timeout: cannot read '5 minutes'; write a duration like '90s', '2m', '1m30s' or '500ms'; or name a budget such as 'default' or 'drainNode'",
    );
    expect(() => eventuallyPod(conn, 'db', 'db-1', untyped({ timeout: -5 }))).to.throw(
      TypeError,
      "timeout: expected a non-negative number of milliseconds, got -5; or name a budget such as 'default' or 'drainNode'",
    );
    expect(openCaches(conn)).to.have.length(0);
  });
});

describe("the test runner's own timeout", () => {
  let server: UnresponsiveServer;
  let conn: Connection;

  before(async () => {
    server = new UnresponsiveServer();
    conn = await connect({ kubeconfig: kubeconfigFor(await server.start()) });
  });
  after(async () => {
    conn.close();
    await server.stop();
  });

  it('is read from mocha for the running test', function () {
    this.timeout(7000);
    const t = mochaRunnerTimeout();
    expect(t?.runner).to.equal('mocha');
    expect(t?.remainingMs).to.be.within(1, 7000);
  });

  it('is told at once, with the fix, when it is shorter than the budget', async function () {
    this.timeout(20_000);
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let waiting: Promise<unknown>;
    try {
      waiting = eventuallyPod(conn, 'db', 'db-1', { timeout: '60s' }).toBeReady();
    } finally {
      process.stderr.write = write;
    }
    const warning = written.join('');
    expect(warning).to.match(
      /^kubexpect: eventuallyPod\(db\/db-1\)\.toBeReady\(\): mocha's timeout stops this test in \S+, before this wait's budget of 1m ends \(it needs at least 1m2s\), and mocha will then report only its own timeout; give the test more time: this\.timeout\('5m'\) in the test/,
    );
    (waiting as unknown as { cancel(r: string): void }).cancel('ended by the test');
    const err = (await waiting.catch((e: unknown) => e)) as Error;
    expect(err.message).to.match(
      /\n {2}note: mocha's timeout stops this test in \S+, before this wait's budget/,
    );
  });

  it('says nothing when the budget fits, or equals the test timeout', function () {
    this.timeout(60_000);
    expect(runnerTimeoutHint(resolveTimeout('10s'))).to.equal(undefined);
    expect(runnerTimeoutHint(resolveTimeout('60s'))).to.equal(undefined);
  });

  it('takes any provider, e.g. for Jest or Vitest, and ignores one that throws', () => {
    try {
      setRunnerTimeoutSource(() => ({ runner: 'jest', remainingMs: 5000, fix: 'set testTimeout' }));
      expect(runnerTimeoutHint(resolveTimeout('3s'))).to.equal(undefined);
      expect(runnerTimeoutHint(resolveTimeout('30s'))).to.equal(
        "jest's timeout stops this test in 5s, before this wait's budget of 30s ends (it needs at least 32s), and jest will then report only its own timeout; set testTimeout",
      );
      setRunnerTimeoutSource(() => {
        throw new Error('broken provider');
      });
      expect(runnerTimeoutHint(resolveTimeout('30s'))).to.equal(undefined);
      expect(() => setRunnerTimeoutSource('x' as never)).to.throw(TypeError, /expected a function/);
    } finally {
      setRunnerTimeoutSource(mochaRunnerTimeout);
    }
  });
});
