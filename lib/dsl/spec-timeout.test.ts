import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type Connection, connect } from '../client/index.ts';
import { type Cluster, startCluster } from '../sim/index.ts';
import { DSL_PATH, runNestedSpecs } from './run-nested.ts';

const KUBEXPECT_PATH = fileURLToPath(new URL('../index.ts', import.meta.url));

const header = `import { AfterAll, BeforeAll, By, DeferCleanup, Describe, It, SpecTimeout } from '${DSL_PATH}';
import { connect, cordon, eventuallyPod, uncordon } from '${KUBEXPECT_PATH}';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
globalThis.timeline = [];
`;

/** Waits until `probe` holds (the nested body may still be unwinding after its node ended). */
async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const timeline = () => (globalThis as { timeline?: string[] }).timeline ?? [];

describe('a spec stopped by its timeout', () => {
  let cluster: Cluster;
  let conn: Connection;
  let env: Record<string, string>;

  beforeEach(async () => {
    cluster = await startCluster({ seed: 9 });
    conn = await connect({ kubeconfig: cluster.kubeconfig });
    await conn.core.createNode({ body: { metadata: { name: 'worker' } } });
    const kubeconfig = join(await mkdtemp(join(tmpdir(), 'kubexpect-timeout-')), 'config');
    await writeFile(kubeconfig, cluster.kubeconfig);
    env = { KUBECONFIG: kubeconfig };
  });
  afterEach(async () => {
    conn?.close();
    await cluster?.stop();
  });

  it('fails with the timeout, writes its report, and runs a DeferCleanup registered after the timeout', async () => {
    const result = await runNestedSpecs(
      `${header}
      Describe('maintenance', () => {
        It('cordons, then is too slow', SpecTimeout('300ms'), async () => {
          const conn = await connect();
          By('cordoning worker');
          await cordon(conn, 'worker');
          By('doing something slow');
          await sleep(900);
          timeline.push('body went on after its timeout');
          DeferCleanup(async () => { await uncordon(conn, 'worker'); timeline.push('late uncordon ran'); });
        });
      });`,
      { env },
    );
    expect(result.failed.map((f) => f.title)).to.deep.equal(['maintenance cordons, then is too slow']);
    const { message } = result.failed[0]!;
    expect(message).to.match(
      /^Timeout of 300ms exceeded \(SpecTimeout or mocha's timeout\): "maintenance cordons, then is too slow" was stopped; its waits and API calls were aborted and its cleanups run next\n\nFailure report: .*maintenance-cordons-then-is-too-slow\.md\n {2}during step 2 "doing something slow"/,
    );
    const reports = join(result.dir, 'reports', 'nested');
    expect(await readdir(reports)).to.deep.equal(['maintenance-cordons-then-is-too-slow.md']);
    expect(await readFile(join(reports, 'maintenance-cordons-then-is-too-slow.md'), 'utf8')).to.include(
      '2. [+',
    );
    await until('the late cleanup to run', () => timeline().includes('late uncordon ran'));
    expect(timeline()).to.deep.equal(['body went on after its timeout', 'late uncordon ran']);
    expect((await conn.getNode('worker')).spec?.unschedulable).to.equal(undefined);
  });

  it('aborts the waits and API calls the body makes, so nothing is cordoned after the timeout', async () => {
    const result = await runNestedSpecs(
      `${header}
      Describe('maintenance', () => {
        It('waits too long', SpecTimeout('300ms'), async () => {
          const conn = await connect();
          // A body that swallows the abort and goes on: its next action is refused all the same.
          await eventuallyPod(conn, 'default', 'never', { timeout: '60s' }).toBeRunning().catch((err) => {
            timeline.push('wait ended: ' + err.message.split('\\n')[0]);
          });
          await cordon(conn, 'worker').then(
            () => timeline.push('cordoned'),
            (err) => timeline.push('cordon failed: ' + err.message),
          );
        });
      });`,
      { env },
    );
    expect(result.failed[0]?.message).to.match(/^Timeout of 300ms exceeded/);
    await until('the body to end', () => timeline().length === 2);
    expect(timeline()[0]).to.match(
      /^wait ended: Stopped after .* of 1m \(Timeout of 300ms exceeded \(SpecTimeout or mocha's timeout\): "maintenance waits too long" was stopped; .*\): expected pod default\/never to be Running\.$/,
    );
    expect(timeline()[1]).to.match(/^cordon failed: .*Timeout of 300ms exceeded/);
    expect((await conn.getNode('worker')).spec?.unschedulable).to.equal(undefined);
  });

  it("stops a hook that outlives mocha's timeout the same way, with its report", async () => {
    const result = await runNestedSpecs(
      `${header}
      Describe('setup', () => {
        BeforeAll(async () => { By('starting something slow'); await sleep(900); });
        It('never runs', () => {});
      });`,
      { env, timeoutMs: 300 },
    );
    expect(result.failed.map((f) => f.title)).to.deep.equal(['setup "before all" hook for "never runs"']);
    expect(result.failed[0]?.message).to.match(
      /^Timeout of 300ms exceeded \(SpecTimeout or mocha's timeout\): "setup \(BeforeAll\)" was stopped/,
    );
    expect(existsSync(join(result.dir, 'reports', 'nested', 'setup-beforeall.md'))).to.equal(true);
  });
});
