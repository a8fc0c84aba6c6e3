/**
 * Where the control plane's binaries come from: a folder the caller names (`binDir`), then
 * KUBEXPECT_CONTROLPLANE_BIN, then envtest's KUBEBUILDER_ASSETS (etcd, kube-apiserver and kubectl,
 * with kube-controller-manager, kube-scheduler and kwok added beside them), then the project's own
 * cached build (`go/build.sh --print` in a kubexpect checkout).
 */
import { execFile } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The binaries startControlPlane runs; kubectl is optional (the CLI and tests use it when present). */
export const REQUIRED_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
] as const;
export type BinaryName = (typeof REQUIRED_BINARIES)[number];

/** The environment variables read here (only here, and only for this). */
export const CONTROLPLANE_ENV = {
  KUBEXPECT_CONTROLPLANE_BIN:
    'folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (and kubectl)',
  KUBEBUILDER_ASSETS:
    "envtest's binary folder (etcd, kube-apiserver, kubectl); add kube-controller-manager, kube-scheduler and kwok to it",
} as const;

export interface Binaries {
  readonly dir: string;
  /** Where the folder was named: the binDir option, an environment variable, or the project's build. */
  readonly origin: string;
  readonly paths: Readonly<Record<BinaryName, string>>;
  /** kubectl, when the folder has one. */
  readonly kubectl?: string;
  /** kwok's stage definitions: the folder's kwok-stages.yaml, or the copy of kwok's defaults shipped here. */
  readonly kwokStages: string;
}

const BUNDLED_STAGES = fileURLToPath(new URL('./data/kwok-stages.yaml', import.meta.url));

const HOW_TO_BUILD =
  'Build all six (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok) with `go/build.sh` in a kubexpect checkout (Go 1.26; the first build takes 15-30 minutes, later ones reuse the cache), or run `npm run test:real`, which builds them.';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The kubexpect checkout's go/build.sh, found upwards from this file; undefined in an installed package. */
export async function findBuildScript(): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'go', 'build.sh');
    if (await isExecutable(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function read(env: NodeJS.ProcessEnv, name: keyof typeof CONTROLPLANE_ENV): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

async function namedFolder(
  binDir: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ dir: string; origin: string } | undefined> {
  if (binDir !== undefined) return { dir: binDir, origin: 'the binDir option' };
  const own = read(env, 'KUBEXPECT_CONTROLPLANE_BIN');
  if (own) return { dir: own, origin: 'KUBEXPECT_CONTROLPLANE_BIN' };
  const assets = read(env, 'KUBEBUILDER_ASSETS');
  if (assets) return { dir: assets, origin: 'KUBEBUILDER_ASSETS' };
  return undefined;
}

async function builtFolder(): Promise<{ dir: string; origin: string }> {
  const script = await findBuildScript();
  if (!script) {
    throw new Error(
      `startControlPlane: no binaries: name a folder with the binDir option or KUBEXPECT_CONTROLPLANE_BIN (KUBEBUILDER_ASSETS works too, with kube-controller-manager, kube-scheduler and kwok added). ${HOW_TO_BUILD}`,
    );
  }
  try {
    const { stdout } = await run(script, ['--print'], { encoding: 'utf8' });
    return { dir: stdout.trim(), origin: `${script} --print` };
  } catch {
    throw new Error(
      `startControlPlane: the control-plane binaries are not built yet (${script} --print found none). Run \`${script}\` once (Go 1.26; the first build takes 15-30 minutes, later ones reuse the cache), or name a folder with the binDir option or KUBEXPECT_CONTROLPLANE_BIN.`,
    );
  }
}

/** Finds the binaries; the error names each missing one, where it was looked for and how to get it. */
export async function resolveBinaries(
  binDir?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Binaries> {
  if (binDir !== undefined && (typeof binDir !== 'string' || binDir.trim() === '')) {
    throw new TypeError(
      `startControlPlane: binDir must be a folder path (a non-empty string), got ${JSON.stringify(binDir)}`,
    );
  }
  const { dir, origin } = (await namedFolder(binDir, env)) ?? (await builtFolder());
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw new Error(
      `startControlPlane: the binary folder ${dir} (named by ${origin}) does not exist. ${HOW_TO_BUILD}`,
    );
  }
  const paths = Object.fromEntries(REQUIRED_BINARIES.map((b) => [b, join(dir, b)])) as Record<
    BinaryName,
    string
  >;
  const present = await Promise.all(REQUIRED_BINARIES.map((b) => isExecutable(paths[b])));
  const missing = REQUIRED_BINARIES.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    const envtest =
      origin === 'KUBEBUILDER_ASSETS'
        ? " envtest's assets hold only etcd, kube-apiserver and kubectl: add kube-controller-manager, kube-scheduler and kwok to that folder."
        : '';
    throw new Error(
      `startControlPlane: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing from ${dir} (named by ${origin}).${envtest} ${HOW_TO_BUILD}`,
    );
  }
  const kubectl = join(dir, 'kubectl');
  const stages = join(dir, 'kwok-stages.yaml');
  return {
    dir,
    origin,
    paths,
    ...((await isExecutable(kubectl)) ? { kubectl } : {}),
    kwokStages: (await exists(stages)) ? stages : BUNDLED_STAGES,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** `Kubernetes v1.36.3` → `v1.36.3`, read from kube-apiserver --version. */
export async function kubeVersion(apiserver: string): Promise<string> {
  const { stdout } = await run(apiserver, ['--version'], { encoding: 'utf8' });
  return stdout.trim().replace(/^Kubernetes\s+/, '');
}
