import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startCluster } from '../sim/index.ts';
import { main } from './main.ts';
import { parseSimArgs } from './sim.ts';

const BIN = fileURLToPath(new URL('../../bin/kubexpect.js', import.meta.url));

/** Runs main in-process with captured output; stop signals never come. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (l) => {
      out += `${l}\n`;
    },
    err: (l) => {
      err += `${l}\n`;
    },
    stopSignal: () => new Promise(() => {}),
  });
  return { code, out, err };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitForFile(path: string, child: ChildProcess, output: () => string): Promise<void> {
  // Starting node with tsx and the simulator takes seconds when idle, a minute or more on a busy machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return;
    if (child.exitCode !== null) throw new Error(`the CLI exited with ${child.exitCode}: ${output()}`);
    if (Date.now() > deadline) throw new Error(`no kubeconfig after 120 s; output: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kubexpect sim (the command line)', () => {
  describe('arguments', () => {
    it('maps every option to startCluster options', () => {
      const parsed = parseSimArgs([
        '--kubeconfig',
        'kc.yaml',
        '--port',
        '8080',
        '--preset',
        'kind',
        '--time-scale',
        '0.1',
        '--seed',
        '7',
        '--fault-rate',
        '0.2',
        '--fault-codes',
        '503,429',
        '--retry-after',
        '2',
        '--latency-ms',
        '5',
        '--close-watches-every',
        '30',
        '--expire-on-resume',
      ]);
      expect(parsed?.kubeconfig).to.match(/\/kc\.yaml$/);
      expect(parsed?.cluster).to.deep.equal({
        token: false,
        port: 8080,
        preset: 'kind',
        timeScale: 0.1,
        seed: 7,
        faults: {
          errorRate: 0.2,
          errorCodes: [503, 429],
          retryAfterSeconds: 2,
          latencyMs: 5,
          closeWatchesEverySeconds: 30,
          expireOnResume: true,
        },
      });
    });

    it('refuses --token, which the process list would show, naming the safe ways', () => {
      expect(() => parseSimArgs(['--kubeconfig', 'k', '--token', 'secret'], {})).to.throw(
        '--token would show the token to every user of this machine in the process list; put it in a file named by --token-file FILE, or in KUBEXPECT_SIM_TOKEN',
      );
    });

    it('takes the token from KUBEXPECT_SIM_TOKEN', () => {
      const parsed = parseSimArgs(['--kubeconfig', 'k'], { KUBEXPECT_SIM_TOKEN: 'from: env' });
      expect(parsed?.cluster.token).to.equal('from: env');
    });

    it('takes the token from --token-file without its trailing newline, and refuses a newline inside', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kubexpect-token-'));
      try {
        await writeFile(join(dir, 'ok'), 'abc: def\n');
        await writeFile(join(dir, 'bad'), 'abc\ndef\n');
        expect(
          parseSimArgs(['--kubeconfig', 'k', '--token-file', join(dir, 'ok')], {})?.cluster.token,
        ).to.equal('abc: def');
        expect(() => parseSimArgs(['--kubeconfig', 'k', '--token-file', join(dir, 'bad')], {})).to.throw(
          `the token in ${join(dir, 'bad')} has a character an HTTP Authorization header cannot carry (a newline, a control character or non-ASCII text)`,
        );
        expect(() => parseSimArgs(['--kubeconfig', 'k', '--token-file', join(dir, 'missing')], {})).to.throw(
          `--token-file ${join(dir, 'missing')}: ENOENT`,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuses an unknown option with exit code 2 and says so', async () => {
      const { code, err } = await run(['sim', '--kubeconfig', 'x', '--colour']);
      expect(code).to.equal(2);
      expect(err).to.equal(
        "kubexpect sim: unknown option --colour\nRun 'kubexpect sim --help' for the options.\n",
      );
    });

    it('requires --kubeconfig', async () => {
      const { code, err } = await run(['sim']);
      expect(code).to.equal(2);
      expect(err).to.contain('kubexpect sim: --kubeconfig FILE is required');
    });

    it('refuses a port that is not a port', async () => {
      const { code, err } = await run(['sim', '--kubeconfig', 'x', '--port', '70000']);
      expect(code).to.equal(2);
      expect(err).to.contain('kubexpect sim: --port must be a whole number from 0 to 65535, got "70000"');
    });

    it('refuses a fault rate above 1', async () => {
      const { code, err } = await run(['sim', '--kubeconfig', 'x', '--fault-rate', '1.5']);
      expect(code).to.equal(2);
      expect(err).to.contain('kubexpect sim: --fault-rate must be from 0 to 1, got "1.5"');
    });

    it('refuses an option without its value', async () => {
      const { code, err } = await run(['sim', '--kubeconfig']);
      expect(code).to.equal(2);
      expect(err).to.contain('kubexpect sim: option --kubeconfig needs a value');
    });

    it('refuses an unknown preset with the known ones', async () => {
      const { code, err } = await run([
        'sim',
        '--kubeconfig',
        join(tmpdir(), 'never-written'),
        '--preset',
        'nope',
      ]);
      expect(code).to.equal(2);
      expect(err).to.match(/^kubexpect sim: unknown preset "nope"; known presets: .*kind/);
    });

    it('says so when the port is taken, with exit code 1', async () => {
      const other = await startCluster({ seed: 1 });
      try {
        const { code, err } = await run([
          'sim',
          '--kubeconfig',
          join(tmpdir(), 'never'),
          '--port',
          String(other.port),
        ]);
        expect(code).to.equal(1);
        expect(err).to.equal(
          `kubexpect sim: port ${other.port} on 127.0.0.1 is already in use; choose another with --port, or leave --port out for a free one\n`,
        );
      } finally {
        await other.stop();
      }
    });

    it('prints the options for --help and exits 0', async () => {
      const { code, out } = await run(['sim', '--help']);
      expect(code).to.equal(0);
      expect(out).to.contain('Usage: kubexpect sim --kubeconfig FILE [options]');
      expect(out).to.contain('--fault-rate R');
    });

    it('refuses an unknown command listing the commands', async () => {
      const { code, err } = await run(['simulate']);
      expect(code).to.equal(2);
      expect(err).to.contain('kubexpect: unknown command "simulate"');
      expect(err).to.contain('sim    run the embedded, simulated Kubernetes cluster');
    });
  });

  describe('as a process', function () {
    this.timeout(240_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kubexpect-cli-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('serves until SIGTERM, writes a working kubeconfig, and exits 0 keeping the file', async () => {
      const kubeconfig = join(dir, 'nested', 'kubeconfig.yaml');
      const child = spawn(process.execPath, [BIN, 'sim', '--kubeconfig', kubeconfig, '--seed', '5'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => {
        output += d;
      });
      child.stderr!.on('data', (d) => {
        output += d;
      });
      const exit = exited(child);
      try {
        await waitForFile(kubeconfig, child, () => output);
        const kc = new k8s.KubeConfig();
        kc.loadFromString(await readFile(kubeconfig, 'utf8'));
        const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
        expect(namespaces.items.map((n) => n.metadata?.name)).to.include('default');
        expect(output).to.match(/API server listening on http:\/\/127\.0\.0\.1:\d+/);
        expect(output).to.contain(`KUBECONFIG=${kubeconfig} kubectl get nodes`);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exit).to.equal(0);
      expect(output).to.contain('kubexpect sim: stopped');
      expect((await stat(kubeconfig)).isFile()).to.equal(true);
    });

    it('requires the token from KUBEXPECT_SIM_TOKEN, keeps it out of its arguments, and writes it quoted into the kubeconfig', async () => {
      const kubeconfig = join(dir, 'token', 'kubeconfig.yaml');
      const token = 'tok: en-with-colon';
      const child = spawn(process.execPath, [BIN, 'sim', '--kubeconfig', kubeconfig], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KUBEXPECT_SIM_TOKEN: token },
      });
      let output = '';
      child.stdout!.on('data', (d) => {
        output += d;
      });
      child.stderr!.on('data', (d) => {
        output += d;
      });
      const exit = exited(child);
      try {
        await waitForFile(kubeconfig, child, () => output);
        const kc = new k8s.KubeConfig();
        kc.loadFromString(await readFile(kubeconfig, 'utf8'));
        expect(kc.getCurrentUser()?.token).to.equal(token);
        const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
        expect(namespaces.items.map((n) => n.metadata?.name)).to.include('default');
        const server = kc.getCurrentCluster()!.server;
        expect((await fetch(`${server}/api/v1/namespaces`)).status).to.equal(401);
        expect(child.spawnargs.join(' ')).to.not.contain(token);
        expect(output).to.not.contain(token);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exit).to.equal(0);
    });

    it('exits 2 with the message for a bad flag', async () => {
      const child = spawn(process.execPath, [BIN, 'sim', '--kubeconfig', join(dir, 'k'), '--seed', 'abc'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
      });
      expect(await exited(child)).to.equal(2);
      expect(err).to.contain('kubexpect sim: --seed must be a whole number from 0 to 2147483647, got "abc"');
    });
  });
});
