/**
 * For the bare-server tests only: plays the parts the preset's controllers play (scheduler,
 * kubelet, Job controller, garbage collector for Jobs, node-local storage) through
 * @kubernetes/client-node over HTTP, so the CNPG controller can be exercised without them. A claim
 * used once is pinned to that node, as local-path storage pins it; a pod whose claim sits on an
 * unschedulable node stays Pending with PodScheduled=False/Unschedulable.
 */
import * as k8s from '@kubernetes/client-node';

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export class FakeNodeAgents {
  private readonly core: k8s.CoreV1Api;
  private readonly batch: k8s.BatchV1Api;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** claim name → node its volume lives on. */
  readonly pinned = new Map<string, string>();
  /** claim name → uid of the claim that was pinned (a new claim under the same name is not pinned). */
  private readonly pinnedUid = new Map<string, string>();

  constructor(
    kc: k8s.KubeConfig,
    private readonly namespace: string,
  ) {
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.batch = kc.makeApiClient(k8s.BatchV1Api);
  }

  start(): this {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.tick()
        .catch(() => {})
        .finally(() => {
          this.busy = false;
        });
    }, 10);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async schedulableNodes(): Promise<Set<string>> {
    const nodes = await this.core.listNode();
    return new Set(nodes.items.filter((n) => !n.spec?.unschedulable).map((n) => n.metadata!.name!));
  }

  private async tick(): Promise<void> {
    const ns = this.namespace;
    const schedulable = await this.schedulableNodes();
    const claims = await this.core.listNamespacedPersistentVolumeClaim({ namespace: ns });
    const uids = new Map(claims.items.map((c) => [c.metadata!.name!, c.metadata!.uid!]));
    for (const [name, uid] of this.pinnedUid) {
      if (uids.get(name) !== uid) {
        this.pinned.delete(name);
        this.pinnedUid.delete(name);
      }
    }
    const pin = (claim: string, node: string) => {
      const uid = uids.get(claim);
      if (!uid || this.pinned.has(claim)) return;
      this.pinned.set(claim, node);
      this.pinnedUid.set(claim, uid);
    };
    const jobs = await this.batch.listNamespacedJob({ namespace: ns });
    for (const job of jobs.items) {
      if (job.metadata?.deletionTimestamp && job.metadata.finalizers?.length) {
        // The garbage collector's part: a Job has no pods here, so its foreground deletion ends at once.
        await this.batch.patchNamespacedJob(
          { name: job.metadata.name!, namespace: ns, body: { metadata: { finalizers: null } } },
          mergePatch,
        );
        continue;
      }
      if (job.metadata?.deletionTimestamp || job.status?.succeeded) continue;
      const jobClaims = (job.spec?.template.spec?.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
      );
      const pinnedPerNode = new Map<string, number>();
      for (const n of this.pinned.values()) pinnedPerNode.set(n, (pinnedPerNode.get(n) ?? 0) + 1);
      const node = this.placement(jobClaims, schedulable, pinnedPerNode);
      if (!node) continue;
      for (const c of jobClaims) pin(c, node);
      await this.batch.patchNamespacedJobStatus(
        {
          name: job.metadata!.name!,
          namespace: ns,
          body: { status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } },
        },
        mergePatch,
      );
    }
    const pods = await this.core.listNamespacedPod({ namespace: ns });
    const perNode = new Map<string, number>();
    for (const p of pods.items) {
      const n = p.spec?.nodeName;
      if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    }
    for (const pod of pods.items) {
      const name = pod.metadata!.name!;
      if (pod.metadata?.deletionTimestamp) {
        await this.core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 }).catch(() => {});
        continue;
      }
      if (pod.spec?.nodeName) continue;
      const podClaims = (pod.spec?.volumes ?? []).flatMap((v) =>
        v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
      );
      const node = this.placement(podClaims, schedulable, perNode);
      if (!node) {
        if (pod.status?.conditions?.some((c) => c.type === 'PodScheduled')) continue;
        await this.core.patchNamespacedPodStatus(
          {
            name,
            namespace: ns,
            body: {
              status: {
                conditions: [
                  {
                    type: 'PodScheduled',
                    status: 'False',
                    reason: 'Unschedulable',
                    message: '0/3 nodes are available: 1 node(s) had volume node affinity conflict.',
                  },
                ],
              },
            },
          },
          mergePatch,
        );
        continue;
      }
      for (const c of podClaims) pin(c, node);
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      await this.core.patchNamespacedPod(
        { name, namespace: ns, body: { spec: { nodeName: node } } },
        mergePatch,
      );
      await this.core.patchNamespacedPodStatus(
        {
          name,
          namespace: ns,
          body: {
            status: {
              phase: 'Running',
              conditions: [
                { type: 'PodScheduled', status: 'True' },
                { type: 'Ready', status: 'True' },
              ],
            },
          },
        },
        mergePatch,
      );
    }
  }

  /** The node a pod with these claims runs on: the claims' node if pinned, else the least used schedulable one. */
  private placement(
    claims: string[],
    schedulable: Set<string>,
    perNode: Map<string, number>,
  ): string | undefined {
    const pinned = claims.map((c) => this.pinned.get(c)).find((n) => n !== undefined);
    if (pinned) return schedulable.has(pinned) ? pinned : undefined;
    return [...schedulable].sort(
      (a, b) => (perNode.get(a) ?? 0) - (perNode.get(b) ?? 0) || (a < b ? -1 : 1),
    )[0];
  }
}
