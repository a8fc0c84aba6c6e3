import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REQUIRED_BINARIES, resolveBinaries } from './binaries.ts';
import { startControlPlane } from './index.ts';

/** A folder with executable stand-ins named like the binaries (never run here). */
async function folderWith(names: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kubexpect-bins-'));
  for (const name of names) {
    const path = join(dir, name);
    await writeFile(path, '#!/bin/sh\nexit 0\n');
    await chmod(path, 0o755);
  }
  return dir;
}

describe('control-plane binaries', () => {
  const made: string[] = [];
  after(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it('names every missing binary, the folder, who named it and how to build them', async () => {
    const dir = await folderWith(['etcd', 'kube-apiserver', 'kwok']);
    made.push(dir);
    const err = await resolveBinaries(dir, {}).catch((e: unknown) => e as Error);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(
      new RegExp(
        `^startControlPlane: kube-controller-manager, kube-scheduler are missing from ${dir} \\(named by the binDir option\\)\\. Build all six .* with \`go/build\\.sh\` in a kubexpect checkout`,
      ),
    );
  });

  it("explains envtest's KUBEBUILDER_ASSETS folder, which lacks the extra binaries", async () => {
    const dir = await folderWith(['etcd', 'kube-apiserver', 'kubectl']);
    made.push(dir);
    const err = await resolveBinaries(undefined, { KUBEBUILDER_ASSETS: dir }).catch(
      (e: unknown) => e as Error,
    );
    expect((err as Error).message).to.include(
      `startControlPlane: kube-controller-manager, kube-scheduler, kwok are missing from ${dir} (named by KUBEBUILDER_ASSETS). envtest's assets hold only etcd, kube-apiserver and kubectl: add kube-controller-manager, kube-scheduler and kwok to that folder.`,
    );
  });

  it('prefers KUBEXPECT_CONTROLPLANE_BIN to KUBEBUILDER_ASSETS, and ships kwok stages when the folder has none', async () => {
    const full = await folderWith([...REQUIRED_BINARIES, 'kubectl']);
    const partial = await folderWith(['etcd']);
    made.push(full, partial);
    const bins = await resolveBinaries(undefined, {
      KUBEXPECT_CONTROLPLANE_BIN: full,
      KUBEBUILDER_ASSETS: partial,
    });
    expect(bins.dir).to.equal(full);
    expect(bins.origin).to.equal('KUBEXPECT_CONTROLPLANE_BIN');
    expect(bins.paths['kube-scheduler']).to.equal(join(full, 'kube-scheduler'));
    expect(bins.kubectl).to.equal(join(full, 'kubectl'));
    expect(bins.kwokStages).to.match(/lib\/controlplane\/data\/kwok-stages\.yaml$/);
  });

  it('says when the named folder does not exist', async () => {
    const err = await resolveBinaries('/no/such/folder', {}).catch((e: unknown) => e as Error);
    expect((err as Error).message).to.match(
      /^startControlPlane: the binary folder \/no\/such\/folder \(named by the binDir option\) does not exist\. Build all six/,
    );
  });

  it('refuses bad options at the call, before looking for binaries', () => {
    expect(() => startControlPlane({ preset: 'gke' as never })).to.throw(
      TypeError,
      'startControlPlane: preset must be "kind" or "cloud", got "gke"',
    );
    expect(() => startControlPlane({ startTimeoutMs: -1 })).to.throw(
      TypeError,
      'startControlPlane: startTimeoutMs must be a positive number of milliseconds, got -1',
    );
    expect(() => startControlPlane({ volumesPerNode: 0 })).to.throw(
      TypeError,
      'startControlPlane: volumesPerNode must be an integer from 1 to 100, got 0',
    );
  });
});
