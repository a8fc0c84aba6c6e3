import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import { ControlPlaneStartError, startControlPlane } from './index.ts';
import { realOnlyDescribe } from './testing/test-target.ts';

const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => {
      throw new Error('expected start-up to fail');
    },
    (e: unknown) => e as Error,
  );

realOnlyDescribe('startControlPlane start-up failures', () => {
  it('names the component that exited and quotes the end of its log, keeping the logs', async () => {
    const err = await failure(
      startControlPlane({ bare: true, extraArgs: { 'kube-apiserver': ['--no-such-flag=1'] } }),
    );
    expect(err).to.be.instanceOf(ControlPlaneStartError);
    expect(err.message).to.match(
      /^startControlPlane: kube-apiserver exited during start-up; the end of (\/\S+)\/kube-apiserver\.log:\n/,
    );
    expect(err.message).to.include('unknown flag: --no-such-flag');
    const dir = /\(logs kept in (\S+)\)$/.exec(err.message)?.[1];
    expect(dir && existsSync(`${dir}/kube-apiserver.log`)).to.equal(true);
    await rm(dir ?? '', { recursive: true, force: true });
  });

  it('gives up at startTimeoutMs with what it was waiting for', async () => {
    const err = await failure(startControlPlane({ bare: true, startTimeoutMs: 1500 }));
    expect(err).to.be.instanceOf(ControlPlaneStartError);
    expect(err.message).to.match(
      /^startControlPlane: not started within 1\.5 s \(startTimeoutMs\): waiting for (etcd|kube-apiserver) at http/,
    );
    await rm(/\(logs kept in (\S+)\)$/.exec(err.message)?.[1] ?? '', { recursive: true, force: true });
  });
});
