#!/usr/bin/env node
// npm run test:consumers [-- NAME…]: packs kubexpect (prepare builds dist/), checks the tarball
// holds no test file, then installs it into fresh scratch projects, one per way people use it
// (projects/<name>, copied to a temp dir), together with their runner from the registry, and runs
// a spec against the embedded cluster in each, with no TypeScript loader. Needs the npm registry.
// KUBEXPECT_CONSUMERS_DIR picks the parent of the scratch directory (default: the OS temp dir);
// KUBEXPECT_CONSUMERS_KEEP=1 keeps it for a look afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templates = fileURLToPath(new URL('./projects/', import.meta.url));

/** Messages every runner must print from kubexpect, and what Jest printed before kubexpect/jest. */
const KUBEXPECT_TIMEOUT = /Timed out after [^:]+: expected pod kube-system\/no-such-pod to be Ready\./;
const CORE_API_TIMEOUT = /Timed out after [^:]+: expected pod kube-system\/core-api-pod to be Ready\./;
const DANGLING =
  /An assertion was created in this test but never awaited, so it checked nothing:\s+- eventuallyPod\(kube-system\/forgotten-pod\)\.toBeReady\(\)/;
const RUNNER_NOISE = [/Expected value/, /Received: undefined/, /Compared values have no visual difference/];
const esm = (name) => ({ name, private: true, type: 'module' });

/**
 * The projects: what each installs beside the tarball, and the commands it runs. A check passes when
 * the command exits with `code` (default 0), prints every `expect` pattern and none of `reject`.
 */
const PROJECTS = [
  {
    name: 'esm-mocha',
    manifest: esm('consumer-esm-mocha'),
    install: ['mocha@11'],
    checks: [
      {
        title: 'specs (with the README example)',
        cmd: 'npx',
        args: ['mocha', 'test/*.spec.js'],
        expect: [/3 passing/],
      },
      { title: 'kubectlPath', cmd: 'node', args: ['kubectl-and-cli.js'], expect: [/kubectlPath: ok/] },
      {
        title: 'npx kubexpect --help',
        cmd: 'npx',
        args: ['kubexpect', '--help'],
        expect: [/^Usage: kubexpect <command>/m, /sim\s+run the embedded/],
      },
    ],
  },
  {
    name: 'ts-mocha',
    manifest: esm('consumer-ts-mocha'),
    install: ['mocha@11', 'typescript@7', '@types/node@20', '@types/mocha@10'],
    checks: [
      { title: 'tsc, node16', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.node16.json'] },
      { title: 'tsc, bundler', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bundler.json'] },
      { title: 'tsc, nodenext (emits)', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.nodenext.json'] },
      {
        title: 'specs, compiled (with the README spec)',
        cmd: 'npx',
        args: ['mocha', 'out/test/scenario.spec.js', 'out/readme/drain.spec.js'],
        expect: [/4 passing/],
      },
      {
        title: "the README's Assertions example, against `npx kubexpect sim`",
        cmd: 'node',
        args: ['out/readme/assertions.js'],
        sim: true,
      },
    ],
  },
  {
    name: 'jest',
    manifest: esm('consumer-jest'),
    install: ['jest@30', 'typescript@7'],
    env: { NODE_OPTIONS: '--experimental-vm-modules' },
    checks: [
      { title: 'tsc (matcher types)', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json'] },
      {
        title: 'tests (with the README example)',
        cmd: 'npx',
        args: ['jest', 'test/'],
        expect: [/Tests:\s+2 passed, 2 total/],
      },
      {
        title: "failures print kubexpect's messages",
        cmd: 'npx',
        args: ['jest', 'wrong/'],
        code: 1,
        expect: [
          KUBEXPECT_TIMEOUT,
          DANGLING,
          /Jest's timeout stops this test in/,
          CORE_API_TIMEOUT,
          /Tests:\s+4 failed, 4 total/,
        ],
        reject: RUNNER_NOISE,
      },
    ],
  },
  {
    name: 'vitest',
    manifest: esm('consumer-vitest'),
    install: ['vitest@3', 'typescript@7'],
    checks: [
      {
        title: 'tsc (matcher types)',
        cmd: 'npx',
        args: ['tsc', '-p', 'tsconfig.json'],
        // Vitest 3.2's own declarations and @types/chai 5.2 (which Vitest depends on) both declare
        // containSubset; with skipLibCheck off that is reported in their files, never in kubexpect's.
        code: 'any',
        onlyErrorsIn: /^node_modules\/(vitest|@types\/chai)\//,
      },
      { title: 'spec', cmd: 'npx', args: ['vitest', 'run', 'test/'], expect: [/Tests\s+1 passed \(1\)/] },
      {
        title: "failures print kubexpect's messages",
        cmd: 'npx',
        args: ['vitest', 'run', 'wrong/'],
        code: 1,
        expect: [
          KUBEXPECT_TIMEOUT,
          DANGLING,
          /Vitest's timeout stops this test in/,
          CORE_API_TIMEOUT,
          /Tests\s+4 failed \(4\)/,
        ],
        reject: RUNNER_NOISE,
      },
    ],
  },
  {
    name: 'cjs',
    manifest: { name: 'consumer-cjs', private: true, type: 'commonjs' },
    install: [],
    checks: [{ title: 'require()', cmd: 'node', args: ['scenario.cjs'], expect: [/cjs scenario: ok/] }],
  },
];

/** Paths a published package must not hold. */
const NOT_SHIPPED =
  /(\.test\.|\.spec\.|(^|\/)testing\/|^(bench|specs|scripts|lib|go)\/|tsconfig|\.mocharc|biome\.json)/;

function run(cmd, args, options) {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1', ...options.env },
  });
  return {
    code: result.status ?? 1,
    stdout: result.stdout ?? '',
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
  };
}

function fail(what, output) {
  console.error(
    `\nconsumers: ${what}\n${output ? `---- output ----\n${output.trimEnd()}\n----------------` : ''}`,
  );
  process.exitCode = 1;
}

/**
 * README examples marked `<!-- consumer-test: PROJECT/PATH -->` on the line before their code
 * fence: each is written, exactly as printed, to PATH in that project and run by its checks.
 */
function readReadmeExamples() {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  const found = [];
  for (const m of text.matchAll(/^<!-- consumer-test: ([\w-]+)\/(\S+) -->\n```\w*\n([\s\S]*?)^```$/gm)) {
    found.push({ project: m[1], path: m[2], code: m[3] });
  }
  return found;
}
const readmeExamples = readReadmeExamples();
for (const e of readmeExamples) {
  if (!PROJECTS.some((p) => p.name === e.project))
    fail(`README marks an example for an unknown project ${e.project}`);
}

/** `npx kubexpect sim` in the project, for examples that connect() through KUBECONFIG. */
async function startSim(dir) {
  const kubeconfig = join(dir, 'sim.kubeconfig');
  const child = spawn(
    'npx',
    ['kubexpect', 'sim', '--kubeconfig', kubeconfig, '--preset', 'kind', '--time-scale', '0.05'],
    {
      cwd: dir,
      stdio: 'ignore',
      // Its own process group: npx does not pass SIGTERM on to the node process it starts, which
      // outlived the run before; the group is stopped whole.
      detached: true,
    },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const deadline = Date.now() + 120_000;
  while (!existsSync(kubeconfig)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`npx kubexpect sim wrote no kubeconfig (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, kubeconfig, stop };
}

const only = process.argv.slice(2);
const unknown = only.filter((n) => !PROJECTS.some((p) => p.name === n));
if (unknown.length > 0) {
  console.error(
    `consumers: unknown project ${unknown.join(', ')}; the projects are ${PROJECTS.map((p) => p.name).join(', ')}`,
  );
  process.exit(2);
}
const work = mkdtempSync(join(process.env.KUBEXPECT_CONSUMERS_DIR || tmpdir(), 'kubexpect-consumers-'));
console.log(`consumers: scratch directory ${work}`);

// npm pack runs prepare (the build) and lists what the tarball holds.
const packed = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
if (packed.code !== 0) {
  fail('npm pack failed (its prepare script builds dist/)', packed.output);
  process.exit(1);
}
let tarball;
try {
  // prepare's build output goes to stdout too; the JSON report is the last thing printed.
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[\n') + 1));
  tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  const stray = files.filter((f) => NOT_SHIPPED.test(f));
  if (stray.length > 0) fail(`the tarball holds files no consumer needs:\n  ${stray.join('\n  ')}`);
  for (const needed of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/jest/index.js',
    'dist/vitest/index.js',
    'bin/kubexpect.js',
    'fixtures/cnpg/cluster-three-instances.yaml',
    'README.md',
    'LICENSE',
  ]) {
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);
  }
  console.log(
    `consumers: packed ${info.filename} (${files.length} files, ${Math.round(info.size / 1024)} kB)`,
  );
} catch (err) {
  fail(`npm pack failed (${err.message})`, packed.output);
  process.exit(1);
}

for (const project of PROJECTS.filter((p) => only.length === 0 || only.includes(p.name))) {
  const dir = join(work, project.name);
  cpSync(join(templates, project.name), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(project.manifest, null, 2)}\n`);
  for (const example of readmeExamples.filter((e) => e.project === project.name)) {
    mkdirSync(dirname(join(dir, example.path)), { recursive: true });
    writeFileSync(join(dir, example.path), example.code);
  }
  const started = Date.now();
  const install = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...project.install],
    {
      cwd: dir,
    },
  );
  if (install.code !== 0) {
    fail(`${project.name}: npm install failed`, install.output);
    continue;
  }
  console.log(`consumers: ${project.name}: installed (${Math.round((Date.now() - started) / 1000)} s)`);
  let sim;
  for (const check of project.checks) {
    const t0 = Date.now();
    const env = { ...project.env };
    if (check.sim) {
      try {
        sim ??= await startSim(dir);
      } catch (err) {
        fail(`${project.name}: ${check.title}: ${err.message}`);
        continue;
      }
      env.KUBECONFIG = sim.kubeconfig;
    }
    const { code, output } = run(check.cmd, check.args, { cwd: dir, env });
    const problems = [];
    if (check.code !== 'any' && code !== (check.code ?? 0)) {
      problems.push(`exit code ${code}, expected ${check.code ?? 0}`);
    }
    if (check.onlyErrorsIn) {
      const elsewhere = output
        .split('\n')
        .filter((l) => / error TS\d+/.test(l) && !check.onlyErrorsIn.test(l));
      if (elsewhere.length > 0) problems.push(`errors outside ${check.onlyErrorsIn}`);
      if (code !== 0 && !/ error TS\d+/.test(output)) problems.push(`exit code ${code} without a type error`);
    }
    for (const pattern of check.expect ?? []) if (!pattern.test(output)) problems.push(`no ${pattern}`);
    for (const pattern of check.reject ?? []) if (pattern.test(output)) problems.push(`printed ${pattern}`);
    const took = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    if (problems.length > 0)
      fail(`${project.name}: ${check.title} (${took}): ${problems.join('; ')}`, output);
    else console.log(`consumers: ${project.name}: ${check.title}: ok (${took})`);
  }
  sim?.stop();
}

if (process.env.KUBEXPECT_CONSUMERS_KEEP) console.log(`consumers: kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(process.exitCode ? 'consumers: FAILED' : 'consumers: all passed');
