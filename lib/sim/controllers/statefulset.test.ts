/**
 * The StatefulSet controller through the real kubectl v1.35 over HTTP, on both presets' default
 * storage (kind: node-bound local-path; cloud: network volumes that follow the pod).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { KObject } from '../api/types.ts';
import { type Cluster, startCluster } from '../cluster.ts';
import { until } from '../testing/clients.ts';
import { type KubectlSession, kubectlSession } from '../testing/kubectl-session.ts';
import { stopWithoutControllerErrors } from '../testing/own-errors.ts';

const STATEFULSET = (name: string, replicas: number, extra = '') => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  serviceName: ${name}
  selector: {matchLabels: {app: ${name}}}${extra}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{name: db, image: "postgres:17"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

interface Named {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string; volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string };
}

for (const preset of ['kind', 'cloud'] as const) {
  describe(`StatefulSets through kubectl (${preset} preset)`, () => {
    let cluster: Cluster;
    let kubectl: KubectlSession;

    const run = async (...args: string[]) => {
      const out = await kubectl.run(args);
      expect(out.code, `kubectl ${args.join(' ')}: ${out.stderr}`).to.equal(0);
      return out.stdout;
    };
    const apply = async (name: string, text: string) => {
      const path = join(kubectl.dir, `${name}.yaml`);
      await writeFile(path, text);
      return run('apply', '-f', path);
    };
    const items = async (...args: string[]): Promise<Named[]> =>
      JSON.parse(await run('get', ...args, '-o', 'json')).items;
    const live = (list: Named[]) => list.filter((o) => !o.metadata.deletionTimestamp);
    const names = (list: Named[]) => list.map((o) => o.metadata.name).sort();

    before(async () => {
      cluster = await startCluster({ preset, seed: 15, timeScale: 0.02, token: false });
      kubectl = await kubectlSession(cluster, 60_000);
    });
    after(async () => {
      if (cluster) await stopWithoutControllerErrors(cluster);
      await kubectl?.close();
    });

    it('creates ordered pods with stable names and a bound PVC per ordinal', async () => {
      // OrderedReady: the next pod is created only once the ones before it are Ready.
      const podsRt = cluster.api.resource('', 'pods');
      const existingWhenReady: number[] = [];
      const seenReady = new Set<string>();
      const watch = cluster.api.watch(podsRt, 'default', { labelSelector: 'app=ordered' }, (event) => {
        const conditions = (
          (event.object.status ?? {}) as { conditions?: { type: string; status: string }[] }
        ).conditions;
        const name = (event.object as KObject).metadata.name!;
        if (seenReady.has(name) || !(conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
          return;
        seenReady.add(name);
        existingWhenReady.push(
          cluster.api.list(podsRt, 'default', { labelSelector: 'app=ordered' }).items.length,
        );
      });
      try {
        await apply('ordered', STATEFULSET('ordered', 3));
        expect(await run('rollout', 'status', 'statefulset/ordered', '--timeout=60s')).to.match(
          /partitioned roll out complete: 3 new pods have been updated...\n$/,
        );
      } finally {
        watch.stop();
      }
      expect(existingWhenReady, 'pods that existed as each became Ready').to.deep.equal([1, 2, 3]);
      const pods = await items('pods', '-l', 'app=ordered');
      expect(names(pods)).to.deep.equal(['ordered-0', 'ordered-1', 'ordered-2']);
      for (const pod of pods) {
        const ordinal = pod.metadata.name.split('-')[1];
        expect(pod.metadata.labels).to.include({
          'statefulset.kubernetes.io/pod-name': pod.metadata.name,
          'apps.kubernetes.io/pod-index': ordinal,
        });
        expect(pod.spec.volumes?.map((v) => v.persistentVolumeClaim?.claimName)).to.include(
          `data-ordered-${ordinal}`,
        );
      }
      const claims = JSON.parse(await run('get', 'pvc', '-l', 'app=ordered', '-o', 'json')).items;
      expect(claims.map((c: Named) => c.metadata.name).sort()).to.deep.equal([
        'data-ordered-0',
        'data-ordered-1',
        'data-ordered-2',
      ]);
      expect(claims.map((c: { status: { phase: string } }) => c.status.phase)).to.deep.equal([
        'Bound',
        'Bound',
        'Bound',
      ]);
      const table = await run('get', 'statefulset', 'ordered');
      expect(table).to.match(/^NAME\s+READY\s+AGE\nordered\s+3\/3\s+\d+s\n$/);
    });

    it('creates every pod at once under podManagementPolicy Parallel', async () => {
      const podsRt = cluster.api.resource('', 'pods');
      let existingAtFirstReady: number | undefined;
      const watch = cluster.api.watch(podsRt, 'default', { labelSelector: 'app=parallel' }, (event) => {
        const conditions = (
          (event.object.status ?? {}) as { conditions?: { type: string; status: string }[] }
        ).conditions;
        const ready = (conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready && existingAtFirstReady === undefined) {
          existingAtFirstReady = cluster.api.list(podsRt, 'default', { labelSelector: 'app=parallel' }).items
            .length;
        }
      });
      try {
        await apply('parallel', STATEFULSET('parallel', 3, '\n  podManagementPolicy: Parallel'));
        await run('rollout', 'status', 'statefulset/parallel', '--timeout=60s');
      } finally {
        watch.stop();
      }
      expect(existingAtFirstReady, 'pods that existed when the first became Ready').to.equal(3);
      expect(names(await items('pods', '-l', 'app=parallel'))).to.deep.equal([
        'parallel-0',
        'parallel-1',
        'parallel-2',
      ]);
    });

    it('recreates a deleted pod under its name with a new uid, on the same PVC', async () => {
      await apply('reuse', STATEFULSET('reuse', 1));
      await run('rollout', 'status', 'statefulset/reuse', '--timeout=60s');
      const [before] = await items('pods', '-l', 'app=reuse');
      const claimBefore = JSON.parse(await run('get', 'pvc', 'data-reuse-0', '-o', 'json'));
      await run('delete', 'pod', 'reuse-0');
      await run('wait', '--for=condition=Ready', 'pod/reuse-0', '--timeout=60s');
      const [after] = live(await items('pods', '-l', 'app=reuse'));
      expect(after!.metadata.name).to.equal('reuse-0');
      expect(after!.metadata.uid).to.not.equal(before!.metadata.uid);
      const claimAfter = JSON.parse(await run('get', 'pvc', 'data-reuse-0', '-o', 'json'));
      expect(claimAfter.metadata.uid).to.equal(claimBefore.metadata.uid);
      expect(claimAfter.spec.volumeName).to.equal(claimBefore.spec.volumeName);
      if (preset === 'kind')
        expect(after!.spec.nodeName, 'a node-bound volume keeps the pod on its node').to.equal(
          before!.spec.nodeName,
        );
    });

    it('rolls out a new image from the highest ordinal, records revisions and rolls back', async () => {
      await apply('rolling', STATEFULSET('rolling', 2));
      await run('rollout', 'status', 'statefulset/rolling', '--timeout=60s');
      const first = JSON.parse(await run('get', 'statefulset', 'rolling', '-o', 'json')).status
        .updateRevision;
      expect(await run('set', 'image', 'statefulset/rolling', 'db=postgres:18')).to.equal(
        'statefulset.apps/rolling image updated\n',
      );
      await run('rollout', 'status', 'statefulset/rolling', '--timeout=60s');
      const status = JSON.parse(await run('get', 'statefulset', 'rolling', '-o', 'json')).status;
      expect(status.updateRevision).to.not.equal(first);
      expect(status).to.include({
        currentRevision: status.updateRevision,
        updatedReplicas: 2,
        readyReplicas: 2,
      });
      expect(await run('rollout', 'history', 'statefulset/rolling')).to.equal(
        'statefulset.apps/rolling \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n',
      );
      const revisions = await run('get', 'controllerrevisions', '-l', 'app=rolling');
      expect(revisions).to.match(/^NAME\s+CONTROLLER\s+REVISION\s+AGE\n/);
      expect(revisions).to.include('statefulset.apps/rolling');

      expect(await run('rollout', 'undo', 'statefulset/rolling')).to.equal(
        'statefulset.apps/rolling rolled back\n',
      );
      await run('rollout', 'status', 'statefulset/rolling', '--timeout=60s');
      const back = JSON.parse(await run('get', 'statefulset', 'rolling', '-o', 'json')).status;
      expect(back.updateRevision, 'the first revision is current again').to.equal(first);
      expect(await run('rollout', 'history', 'statefulset/rolling')).to.equal(
        'statefulset.apps/rolling \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n',
      );
      const images = live(await items('pods', '-l', 'app=rolling')).map(
        (p) => (p.spec as unknown as { containers: { image: string }[] }).containers[0]!.image,
      );
      expect(images).to.deep.equal(['postgres:17', 'postgres:17']);
    });

    it('shows the change cause of each revision in rollout history', async () => {
      await apply('causes', STATEFULSET('causes', 1));
      await run('rollout', 'status', 'statefulset/causes', '--timeout=60s');
      await run('annotate', 'statefulset', 'causes', 'kubernetes.io/change-cause=postgres 18', '--overwrite');
      await run('set', 'image', 'statefulset/causes', 'db=postgres:18');
      await run('rollout', 'status', 'statefulset/causes', '--timeout=60s');
      expect(await run('rollout', 'history', 'statefulset/causes')).to.equal(
        'statefulset.apps/causes \nREVISION  CHANGE-CAUSE\n1         <none>\n2         postgres 18\n\n',
      );
    });

    it('records a pod the API refuses as a FailedCreate event on the set', async () => {
      await apply(
        'refused',
        STATEFULSET('refused', 1).replace(
          '      terminationGracePeriodSeconds: 5',
          '      serviceAccountName: missing',
        ),
      );
      const events = await until(
        'a FailedCreate event',
        async () => {
          const out = await run(
            'get',
            'events',
            '--field-selector',
            'involvedObject.name=refused,reason=FailedCreate',
            '-o',
            'json',
          );
          return JSON.parse(out).items[0];
        },
        20_000,
      );
      expect(events.type).to.equal('Warning');
      expect(events.message).to.equal(
        'create Pod refused-0 in StatefulSet refused failed error: pods "refused-0" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found',
      );
    });

    it('updates only the ordinals at or above the partition', async () => {
      await apply(
        'parted',
        STATEFULSET('parted', 3, '\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}'),
      );
      await run('rollout', 'status', 'statefulset/parted', '--timeout=60s');
      await run('set', 'image', 'statefulset/parted', 'db=postgres:18');
      expect(await run('rollout', 'status', 'statefulset/parted', '--timeout=60s')).to.match(
        /partitioned roll out complete: 1 new pods have been updated...\n$/,
      );
      const images = Object.fromEntries(
        live(await items('pods', '-l', 'app=parted')).map((p) => [
          p.metadata.name,
          (p.spec as unknown as { containers: { image: string }[] }).containers[0]!.image,
        ]),
      );
      expect(images).to.deep.equal({
        'parted-0': 'postgres:17',
        'parted-1': 'postgres:17',
        'parted-2': 'postgres:18',
      });
      const status = JSON.parse(await run('get', 'statefulset', 'parted', '-o', 'json')).status;
      expect(status.currentRevision).to.not.equal(status.updateRevision);
      expect(status).to.include({ currentReplicas: 2, updatedReplicas: 1 });
    });

    it('kubectl scale removes the highest ordinals and keeps their PVCs under whenScaled: Retain', async () => {
      await apply('scaled', STATEFULSET('scaled', 3));
      await run('rollout', 'status', 'statefulset/scaled', '--timeout=60s');
      expect(await run('scale', 'statefulset', 'scaled', '--replicas=1')).to.equal(
        'statefulset.apps/scaled scaled\n',
      );
      await run('wait', '--for=delete', 'pod/scaled-2', 'pod/scaled-1', '--timeout=60s');
      expect(names(live(await items('pods', '-l', 'app=scaled')))).to.deep.equal(['scaled-0']);
      expect(names(await items('pvc', '-l', 'app=scaled'))).to.deep.equal([
        'data-scaled-0',
        'data-scaled-1',
        'data-scaled-2',
      ]);
      await run('scale', 'statefulset', 'scaled', '--replicas=2');
      await run('rollout', 'status', 'statefulset/scaled', '--timeout=60s');
      expect(names(live(await items('pods', '-l', 'app=scaled')))).to.deep.equal(['scaled-0', 'scaled-1']);
    });

    it('deletes the PVCs of removed ordinals under whenScaled: Delete, and all of them with the set under whenDeleted: Delete', async () => {
      await apply(
        'retention',
        STATEFULSET(
          'retention',
          2,
          '\n  podManagementPolicy: Parallel\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}',
        ),
      );
      await run('rollout', 'status', 'statefulset/retention', '--timeout=60s');
      await run('scale', 'statefulset', 'retention', '--replicas=1');
      await run('wait', '--for=delete', 'pvc/data-retention-1', '--timeout=60s');
      expect(names(await items('pvc', '-l', 'app=retention'))).to.deep.equal(['data-retention-0']);
      await run('delete', 'statefulset', 'retention');
      await run('wait', '--for=delete', 'pvc/data-retention-0', '--timeout=60s');
    });
  });
}
