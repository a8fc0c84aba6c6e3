import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { type FilterOptions, filterPod } from './drain-filters.ts';

const OPTIONS: FilterOptions = {
  ignoreDaemonSets: true,
  deleteEmptyDirData: false,
  force: false,
  skipWaitForDeleteTimeoutSeconds: 0,
};
const exists = async () => true;
const missing = async () => false;

function pod(
  extra: { phase?: string; owner?: string; emptyDir?: boolean; deletedSecondsAgo?: number } = {},
): V1Pod {
  return {
    metadata: {
      name: 'p',
      namespace: 'ns',
      ...(extra.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: extra.owner, name: 'o', uid: 'u', controller: true },
            ],
          }
        : {}),
      ...(extra.deletedSecondsAgo !== undefined
        ? { deletionTimestamp: new Date(Date.now() - extra.deletedSecondsAgo * 1000) }
        : {}),
    },
    spec: { containers: [], ...(extra.emptyDir ? { volumes: [{ name: 'v', emptyDir: {} }] } : {}) },
    status: { phase: extra.phase ?? 'Running' },
  };
}

describe('drain pod filters', () => {
  it('evicts finished pods even with local storage and no controller, as kubectl does', async () => {
    expect(await filterPod(pod({ phase: 'Succeeded', emptyDir: true }), OPTIONS, exists)).to.deep.equal({
      action: 'evict',
    });
  });

  it('blocks on a pod whose DaemonSet is gone unless forced, naming the missing DaemonSet', async () => {
    expect(await filterPod(pod({ owner: 'DaemonSet' }), OPTIONS, missing)).to.deep.equal({
      action: 'block',
      message: 'daemonsets.apps "o" not found',
    });
    expect(await filterPod(pod({ owner: 'DaemonSet' }), { ...OPTIONS, force: true }, missing)).to.deep.equal({
      action: 'evict',
      warning: 'daemonsets.apps "o" not found',
    });
  });

  it('blocks on DaemonSet pods when told not to ignore them', async () => {
    expect(
      await filterPod(pod({ owner: 'DaemonSet' }), { ...OPTIONS, ignoreDaemonSets: false }, exists),
    ).to.deep.equal({
      action: 'block',
      message: 'DaemonSet-managed Pods (use ignoreDaemonSets to ignore)',
    });
  });

  it('skips pods deleted longer ago than skipWaitForDeleteTimeoutSeconds, and only then', async () => {
    const old = pod({ owner: 'ReplicaSet', deletedSecondsAgo: 60 });
    expect(await filterPod(old, { ...OPTIONS, skipWaitForDeleteTimeoutSeconds: 30 }, exists)).to.deep.equal({
      action: 'skip',
      reason: 'already-deleted',
    });
    expect(await filterPod(old, OPTIONS, exists)).to.deep.equal({ action: 'evict' });
  });

  it('stops at the first blocking filter: local storage is reported before the missing controller', async () => {
    expect(await filterPod(pod({ emptyDir: true }), OPTIONS, exists)).to.deep.equal({
      action: 'block',
      message: 'Pods with local storage (use deleteEmptyDirData to override)',
    });
  });
});
