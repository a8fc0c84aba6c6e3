/**
 * Test plumbing for the workload and any-object matcher tests: create Jobs, Deployments,
 * StatefulSets and a custom resource over the API, and write their status the way their
 * controllers would (the matchers read status, so this is what they judge on a real cluster too).
 */
import type {
  V1Deployment,
  V1DeploymentStatus,
  V1Job,
  V1JobStatus,
  V1PodTemplateSpec,
  V1StatefulSet,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { type Connection, connect } from '../../client/index.ts';
import {
  CONTROLPLANE_HOOK_TIMEOUT_MS,
  startTestCluster,
  type TestCluster,
} from '../../controlplane/testing/test-target.ts';
import { setWatchCacheDefaults } from '../../observe/index.ts';

/** What the writers below need: a connection and the test file's namespace. */
export interface Target {
  conn: Connection;
  ns: string;
}

export interface PresetFixture extends Target {
  cluster: TestCluster;
}

/**
 * Like useSim, on a cluster with nodes and the workload controllers: the embedded `kind` preset
 * (controllers 50 times faster than real time), or with KUBEXPECT_TEST_TARGET=controlplane a real
 * control plane with the kind nodes (kwok) and the real controller-manager and scheduler.
 */
export function useWorkloadCluster(ns: string): PresetFixture {
  const fixture = {} as PresetFixture;
  before(async function () {
    this.timeout(CONTROLPLANE_HOOK_TIMEOUT_MS);
    setWatchCacheDefaults({ pollIntervalMs: 200 });
    fixture.cluster = await startTestCluster(
      { preset: 'kind', timeScale: 0.02, seed: 15, token: true },
      { preset: 'kind' },
    );
    fixture.conn = await connect({ kubeconfig: fixture.cluster.kubeconfig });
    fixture.ns = ns;
    await fixture.conn.core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async function () {
    this.timeout(60_000);
    fixture.conn?.close();
    await fixture.cluster?.stop();
  });
  return fixture;
}

const template = (app: string, volumeMounts?: V1VolumeMount[]): V1PodTemplateSpec => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts }] },
});

/** A Job of one pod; `exitCode` is the simulated container's exit code (the simulator reads the annotation). */
export async function createJob(
  f: Target,
  name: string,
  options: { exitCode?: number } = {},
): Promise<V1Job> {
  const annotations =
    options.exitCode === undefined ? undefined : { 'sim.kubexpect.io/exit-code': String(options.exitCode) };
  return f.conn.batch.createNamespacedJob({
    namespace: f.ns,
    body: {
      metadata: { name },
      spec: {
        backoffLimit: 1,
        template: {
          metadata: { labels: { app: name }, annotations },
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    },
  });
}

type Condition = { type: string; status?: string; reason?: string; message?: string };

const stamp = (c: Condition) => ({
  status: 'True',
  lastProbeTime: new Date(),
  lastTransitionTime: new Date(),
  ...c,
});

/** Writes a Job's status: counts and conditions (True unless said otherwise), as the Job controller would. */
export async function setJobStatus(
  f: Target,
  name: string,
  status: Omit<V1JobStatus, 'conditions'> & { conditions?: Condition[] },
): Promise<V1Job> {
  const job = await f.conn.batch.readNamespacedJob({ namespace: f.ns, name });
  job.status = {
    // A second ago, so a completionTime of now is never before it (the real server checks).
    startTime: job.status?.startTime ?? new Date(Date.now() - 1000),
    ...status,
    conditions: status.conditions?.map(stamp) as V1JobStatus['conditions'],
  };
  return f.conn.batch.replaceNamespacedJobStatus({ namespace: f.ns, name, body: job });
}

export async function createDeployment(f: Target, name: string, replicas = 3): Promise<V1Deployment> {
  return f.conn.apps.createNamespacedDeployment({
    namespace: f.ns,
    body: {
      metadata: { name },
      spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name) },
    },
  });
}

/**
 * Writes a Deployment's status (observedGeneration defaults to the current generation, readyReplicas
 * to availableReplicas: the real server refuses more available than ready).
 */
export async function setDeploymentStatus(
  f: Target,
  name: string,
  status: Omit<V1DeploymentStatus, 'conditions'> & { conditions?: Condition[] },
): Promise<V1Deployment> {
  const d = await f.conn.apps.readNamespacedDeployment({ namespace: f.ns, name });
  d.status = {
    observedGeneration: d.metadata?.generation,
    readyReplicas: status.availableReplicas,
    ...status,
    conditions: status.conditions?.map((c) => ({
      ...stamp(c),
      lastUpdateTime: new Date(),
    })) as V1DeploymentStatus['conditions'],
  };
  return f.conn.apps.replaceNamespacedDeploymentStatus({ namespace: f.ns, name, body: d });
}

export async function createStatefulSet(
  f: Target,
  name: string,
  options: {
    replicas?: number;
    updateStrategy?: NonNullable<V1StatefulSet['spec']>['updateStrategy'];
    /** A volumeClaimTemplate named `data` of this size, mounted at /data. */
    claimSize?: string;
  } = {},
): Promise<V1StatefulSet> {
  return f.conn.apps.createNamespacedStatefulSet({
    namespace: f.ns,
    body: {
      metadata: { name },
      spec: {
        replicas: options.replicas ?? 3,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template: template(name, options.claimSize ? [{ name: 'data', mountPath: '/data' }] : undefined),
        updateStrategy: options.updateStrategy,
        volumeClaimTemplates: options.claimSize
          ? [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: options.claimSize } },
                },
              },
            ]
          : undefined,
      },
    },
  });
}

/** Writes a StatefulSet's status (observedGeneration defaults to the current generation). */
export async function setStatefulSetStatus(
  f: Target,
  name: string,
  status: Partial<NonNullable<V1StatefulSet['status']>>,
): Promise<V1StatefulSet> {
  const s = await f.conn.apps.readNamespacedStatefulSet({ namespace: f.ns, name });
  s.status = { observedGeneration: s.metadata?.generation, replicas: 0, ...status };
  return f.conn.apps.replaceNamespacedStatefulSetStatus({ namespace: f.ns, name, body: s });
}

/** A namespaced custom resource with a status subresource: `widgets.example.com/v1`, kind Widget. */
export const WIDGET = { group: 'example.com', version: 'v1', plural: 'widgets', kind: 'Widget' } as const;

export async function createWidgetCrd(f: Target): Promise<void> {
  await f.conn.objects.create({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${WIDGET.plural}.${WIDGET.group}` },
    spec: {
      group: WIDGET.group,
      names: { kind: WIDGET.kind, plural: WIDGET.plural },
      scope: 'Namespaced',
      versions: [
        {
          name: WIDGET.version,
          served: true,
          storage: true,
          // client-node's serializer knows the schema fields by their TypeScript names.
          schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
          subresources: { status: {} },
        },
      ],
    },
  } as never);
  // A real API server serves a new CRD only once it is Established, and its watch cache warms up
  // meanwhile: wait for a list to answer, as a real client must.
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      await f.conn.custom.listNamespacedCustomObject({
        group: WIDGET.group,
        version: WIDGET.version,
        namespace: f.ns,
        plural: WIDGET.plural,
      });
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Widget {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generation?: number; uid?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export async function createWidget(f: Target, name: string, spec: Record<string, unknown>): Promise<Widget> {
  return (await f.conn.custom.createNamespacedCustomObject({
    group: WIDGET.group,
    version: WIDGET.version,
    namespace: f.ns,
    plural: WIDGET.plural,
    body: { apiVersion: `${WIDGET.group}/${WIDGET.version}`, kind: WIDGET.kind, metadata: { name }, spec },
  })) as Widget;
}

/** Changes a Widget's spec (the API server bumps metadata.generation). */
export async function setWidgetSpec(f: Target, name: string, spec: Record<string, unknown>): Promise<Widget> {
  const w = await readWidget(f, name);
  return (await f.conn.custom.replaceNamespacedCustomObject({
    group: WIDGET.group,
    version: WIDGET.version,
    namespace: f.ns,
    plural: WIDGET.plural,
    name,
    body: { ...w, spec },
  })) as Widget;
}

export async function setWidgetStatus(
  f: Target,
  name: string,
  status: Record<string, unknown>,
): Promise<Widget> {
  const w = await readWidget(f, name);
  return (await f.conn.custom.replaceNamespacedCustomObjectStatus({
    group: WIDGET.group,
    version: WIDGET.version,
    namespace: f.ns,
    plural: WIDGET.plural,
    name,
    body: { ...w, status },
  })) as Widget;
}

async function readWidget(f: Target, name: string): Promise<Widget> {
  return (await f.conn.custom.getNamespacedCustomObject({
    group: WIDGET.group,
    version: WIDGET.version,
    namespace: f.ns,
    plural: WIDGET.plural,
    name,
  })) as Widget;
}
