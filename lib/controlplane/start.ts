/**
 * startControlPlane: a real Kubernetes control plane on 127.0.0.1 — etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler — with kwok playing the kubelets of a preset's nodes,
 * storage of both behaviours, and a kubeconfig for an admin. Everything lives in a temp folder
 * (data, certificates, one log per component) and every process is stopped by stop() or when this
 * process ends.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1PersistentVolume,
  StorageV1Api,
} from '@kubernetes/client-node';
import { type Binaries, kubeVersion, resolveBinaries } from './binaries.ts';
import { type CertificateAuthority, createCertificateAuthority, rsaKeyPair } from './certs.ts';
import { kubeconfigYaml, writePrivateFile } from './kubeconfig.ts';
import {
  CONTROLPLANE_PRESETS,
  type ControlPlanePreset,
  daemonSetObjects,
  nodeObject,
  presetOf,
  STATIC_VOLUME_LABEL,
  storageObjects,
  TEST_CLUSTER_MARKER,
} from './objects.ts';
import { Component, logTail } from './processes.ts';
import { freePorts, probe } from './probe.ts';

export interface ControlPlaneOptions {
  /**
   * The nodes and the default storage: `kind` (kind-control-plane and kind-worker…3, default class
   * `standard` with PVs pinned to one node) or `cloud` (cloud-worker-a/b/c in zones a/b/c, default
   * class `standard-rwo` with PVs usable on any node). Both classes exist either way. Default `kind`.
   */
  preset?: ControlPlanePreset;
  /**
   * Folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok. Default:
   * KUBEXPECT_CONTROLPLANE_BIN, then KUBEBUILDER_ASSETS, then the project's build (go/build.sh).
   */
  binDir?: string;
  /** Where to write the admin kubeconfig (mode 0600). Default: `kubeconfig` in the control plane's temp folder. */
  kubeconfigPath?: string;
  /** The whole start-up must finish within this many milliseconds. Default 180,000. */
  startTimeoutMs?: number;
  /** Static PVs per worker node in each class (each holds 10Gi). Default 6. */
  volumesPerNode?: number;
  /** Called with a line per start-up step (e.g. to print progress). */
  onProgress?: (line: string) => void;
  /**
   * Only etcd, kube-apiserver (ServiceAccount admission off, as envtest runs it) and a
   * controller-manager that only deletes namespaces and lifts the PVC and PV protection
   * finalizers: no nodes, no storage, no
   * scheduler, no kwok. Nothing schedules pods or plays kubelets, so a test writes pod and node
   * status itself (the twin of an embedded cluster without a preset). Default false.
   */
  bare?: boolean;
  /**
   * Flags added to a component's command line, after kubexpect's own (a later flag wins), e.g.
   * `{ 'kube-apiserver': ['--watch-cache-sizes=configmaps#0'] }`.
   */
  extraArgs?: Partial<Record<ComponentName, readonly string[]>>;
}

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

export interface ControlPlane {
  /** Path of the admin kubeconfig (client certificate in group system:masters). */
  readonly kubeconfig: string;
  /** The same kubeconfig, loaded. */
  readonly kubeConfig: KubeConfig;
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  /** The folder the binaries were taken from. */
  readonly binDir: string;
  /** kube-apiserver's version, e.g. `v1.36.3`. */
  readonly version: string;
  readonly preset: ControlPlanePreset;
  /** Node names, as in the embedded preset of the same name (none when bare). */
  readonly nodes: readonly string[];
  /** The temp folder: etcd data, certificates and one log per component (`<name>.log`). */
  readonly dir: string;
  /** etcd's client URL (`http://127.0.0.1:PORT`), e.g. to compact it. */
  readonly etcdUrl: string;
  /**
   * Writes a kubeconfig for another user (a client certificate with CN=user and O=groups) and
   * returns its path: with no RBAC bindings such a user is refused (403).
   */
  kubeconfigFor(user: string, groups?: readonly string[]): Promise<string>;
  /** Stops every process and removes the temp folder (a kubeconfigPath outside it stays). */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const NAME = 'kubexpect-controlplane';
const SERVICE_CIDR = '10.0.0.0/24';
/**
 * A bare control plane's controllers: namespace deletion and the PVC/PV protection finalizers' removal
 * (no garbage collector: tests name owners that do not exist).
 */
const BARE_CONTROLLERS =
  'namespace-controller,persistentvolumeclaim-protection-controller,persistentvolume-protection-controller';

/** Starts a control plane; resolves once nodes are Ready and `default`'s ServiceAccount exists. */
export function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  // Bad options are refused at the call, before anything starts.
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`startControlPlane: options must be an object, got ${String(options)}`);
  }
  const preset = options.preset ?? 'kind';
  if (!CONTROLPLANE_PRESETS.includes(preset)) {
    throw new TypeError(
      `startControlPlane: preset must be ${CONTROLPLANE_PRESETS.map((p) => `"${p}"`).join(' or ')}, got ${JSON.stringify(options.preset)}`,
    );
  }
  const timeout = options.startTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(
      `startControlPlane: startTimeoutMs must be a positive number of milliseconds, got ${JSON.stringify(options.startTimeoutMs)}`,
    );
  }
  const perNode = options.volumesPerNode ?? 6;
  if (!Number.isInteger(perNode) || perNode < 1 || perNode > 100) {
    throw new TypeError(
      `startControlPlane: volumesPerNode must be an integer from 1 to 100, got ${JSON.stringify(options.volumesPerNode)}`,
    );
  }
  if (
    options.kubeconfigPath !== undefined &&
    (typeof options.kubeconfigPath !== 'string' || options.kubeconfigPath === '')
  ) {
    throw new TypeError(
      `startControlPlane: kubeconfigPath must be a file path, got ${JSON.stringify(options.kubeconfigPath)}`,
    );
  }
  if (options.extraArgs !== undefined) checkExtraArgs(options.extraArgs);
  if (options.bare !== undefined && typeof options.bare !== 'boolean') {
    throw new TypeError(`startControlPlane: bare must be true or false, got ${JSON.stringify(options.bare)}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new TypeError('startControlPlane: onProgress must be a function');
  }
  return start({ ...options, preset, startTimeoutMs: timeout, volumesPerNode: perNode });
}

const COMPONENTS: readonly ComponentName[] = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
];

function checkExtraArgs(extra: unknown): void {
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new TypeError(
      `startControlPlane: extraArgs must be an object of component name → flags, got ${JSON.stringify(extra)}`,
    );
  }
  for (const [name, flags] of Object.entries(extra)) {
    if (!COMPONENTS.includes(name as ComponentName)) {
      throw new TypeError(
        `startControlPlane: extraArgs names an unknown component ${JSON.stringify(name)}; components: ${COMPONENTS.join(', ')}`,
      );
    }
    if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string' && f.startsWith('--'))) {
      throw new TypeError(
        `startControlPlane: extraArgs['${name}'] must be an array of flags such as "--v=2", got ${JSON.stringify(flags)}`,
      );
    }
  }
}

type Resolved = ControlPlaneOptions &
  Required<Pick<ControlPlaneOptions, 'preset' | 'startTimeoutMs' | 'volumesPerNode'>>;

/** Start-up failed: the message names the step, and quotes the failing component's log. */
export class ControlPlaneStartError extends Error {
  override readonly name = 'ControlPlaneStartError';
}

async function start(options: Resolved): Promise<ControlPlane> {
  const started = Date.now();
  const deadline = started + options.startTimeoutMs;
  const progress = (line: string) =>
    options.onProgress?.(`${line} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  const bins = await resolveBinaries(options.binDir);
  const version = await kubeVersion(bins.paths['kube-apiserver']);
  const dir = await mkdtemp(join(tmpdir(), 'kubexpect-controlplane-'));
  const plane = new Startup(dir, bins, deadline, options.startTimeoutMs, options.extraArgs ?? {});
  try {
    progress(`binaries from ${bins.dir} (${bins.origin}), Kubernetes ${version}`);
    const pki = await writePki(dir);
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort] = await freePorts(5);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const server = `https://127.0.0.1:${apiPort}`;
    const adminYaml = kubeconfigYaml(server, pki.ca.cert, pki.admin, NAME);
    const adminPath = join(dir, 'admin.kubeconfig');
    await writePrivateFile(adminPath, adminYaml);

    const etcd = plane.start('etcd', [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await plane.waitFor(
      etcd,
      `${etcdUrl}/health`,
      (r) => r.status === 200 && r.body.includes('"health":"true"'),
    );
    progress('etcd is healthy');

    const apiserver = plane.start('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.files.serverCert}`,
      `--tls-private-key-file=${pki.files.serverKey}`,
      `--client-ca-file=${pki.files.caCert}`,
      '--authorization-mode=Node,RBAC',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.files.saPublic}`,
      `--service-account-signing-key-file=${pki.files.saKey}`,
      '--allow-privileged=true',
      // The endpoints reconciler refuses a loopback address for the kubernetes Service: nothing to reconcile.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      // Without a ServiceAccount controller racing each new namespace, pods need no account.
      ...(options.bare ? ['--disable-admission-plugins=ServiceAccount'] : []),
    ]);
    const tls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
    await plane.waitFor(apiserver, `${server}/readyz`, (r) => r.status === 200, tls);
    progress(`kube-apiserver is ready on ${server}`);

    const kubeconfigFlags = [
      `--kubeconfig=${adminPath}`,
      `--authentication-kubeconfig=${adminPath}`,
      `--authorization-kubeconfig=${adminPath}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ];
    const kcm = plane.start('kube-controller-manager', [
      ...kubeconfigFlags,
      `--secure-port=${kcmPort}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`,
      options.bare ? `--controllers=${BARE_CONTROLLERS}` : '--controllers=*',
      `--root-ca-file=${pki.files.caCert}`,
      `--service-account-private-key-file=${pki.files.saKey}`,
      `--cluster-signing-cert-file=${pki.files.caCert}`,
      `--cluster-signing-key-file=${pki.files.caKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
    ]);
    const healthy = [plane.waitFor(kcm, `https://127.0.0.1:${kcmPort}/healthz`, (r) => r.status === 200)];
    if (!options.bare) {
      const scheduler = plane.start('kube-scheduler', [
        ...kubeconfigFlags,
        `--secure-port=${schedPort}`,
        `--cert-dir=${join(dir, 'scheduler-certs')}`,
      ]);
      plane.start('kwok', [
        `--kubeconfig=${adminPath}`,
        '--manage-all-nodes=true',
        `--config=${bins.kwokStages}`,
        '--node-lease-duration-seconds=40',
      ]);
      healthy.push(
        plane.waitFor(scheduler, `https://127.0.0.1:${schedPort}/healthz`, (r) => r.status === 200),
      );
    }
    await Promise.all(healthy);
    progress(
      options.bare
        ? 'kube-controller-manager is running'
        : 'kube-controller-manager, kube-scheduler and kwok are running',
    );

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(adminYaml);
    const nodes = await plane.step('creating nodes, storage and the test-cluster marker', () =>
      createObjects(kubeConfig, options),
    );
    if (!options.bare) {
      await plane.step("waiting for nodes Ready and the default namespace's ServiceAccount", () =>
        waitUntilUsable(kubeConfig, nodes, plane),
      );
      progress(`${nodes.length} nodes Ready, storage classes standard and standard-rwo`);
    }

    const kubeconfig = options.kubeconfigPath ? resolve(options.kubeconfigPath) : join(dir, 'kubeconfig');
    await writePrivateFile(kubeconfig, adminYaml);
    const recycler = recycleVolumes(kubeConfig);
    const forget = removeOnExit(dir);
    let stopping: Promise<void> | undefined;
    return {
      kubeconfig,
      kubeConfig,
      server,
      binDir: bins.dir,
      version,
      preset: options.preset,
      nodes,
      dir,
      etcdUrl,
      async kubeconfigFor(user, groups = []) {
        if (typeof user !== 'string' || !/^[\w.:@-]+$/.test(user)) {
          throw new TypeError(
            `kubeconfigFor: user must be a user name of letters, digits and . _ - : @, got ${JSON.stringify(user)}`,
          );
        }
        const path = join(dir, `${user.replace(/[^\w.-]/g, '_')}.kubeconfig`);
        await writePrivateFile(path, kubeconfigYaml(server, pki.ca.cert, pki.ca.client(user, groups), NAME));
        return path;
      },
      stop() {
        stopping ??= (async () => {
          recycler.stop();
          await plane.stopAll();
          await rm(dir, { recursive: true, force: true });
          forget();
        })();
        return stopping;
      },
    };
  } catch (err) {
    // Nothing worth a graceful shutdown: kill at once, so a failed start ends near its deadline.
    await plane.stopAll(0);
    if (err instanceof ControlPlaneStartError) throw err;
    throw new ControlPlaneStartError(`startControlPlane: ${(err as Error).message} (logs kept in ${dir})`, {
      cause: err,
    });
  }
}

const foldersToRemove = new Set<string>();
let removalInstalled = false;

/**
 * Removes a running control plane's temp folder (etcd data, keys) when the process exits without
 * stop(); its processes are killed by then (processes.ts). Answers the function that forgets it.
 */
function removeOnExit(dir: string): () => void {
  if (!removalInstalled) {
    removalInstalled = true;
    process.on('exit', () => {
      for (const d of foldersToRemove) rmSync(d, { recursive: true, force: true });
    });
  }
  foldersToRemove.add(dir);
  return () => foldersToRemove.delete(dir);
}

/** Certificates and keys, written into the temp folder (mode 0600). */
async function writePki(dir: string) {
  const pkiDir = join(dir, 'pki');
  await mkdir(pkiDir, { mode: 0o700 });
  const ca = createCertificateAuthority();
  const serving = ca.server(
    'kube-apiserver',
    [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    ['127.0.0.1', '10.0.0.1'],
  );
  const admin = ca.client('kubexpect-admin', ['system:masters']);
  const sa = rsaKeyPair();
  const files = {
    caCert: join(pkiDir, 'ca.crt'),
    caKey: join(pkiDir, 'ca.key'),
    serverCert: join(pkiDir, 'apiserver.crt'),
    serverKey: join(pkiDir, 'apiserver.key'),
    saPublic: join(pkiDir, 'sa.pub'),
    saKey: join(pkiDir, 'sa.key'),
  };
  await Promise.all([
    writeFile(files.caCert, ca.cert, { mode: 0o600 }),
    writeFile(files.caKey, ca.key, { mode: 0o600 }),
    writeFile(files.serverCert, serving.cert, { mode: 0o600 }),
    writeFile(files.serverKey, serving.key, { mode: 0o600 }),
    writeFile(files.saPublic, sa.publicKey, { mode: 0o600 }),
    writeFile(files.saKey, sa.key, { mode: 0o600 }),
  ]);
  return { ca: ca as CertificateAuthority, admin, files };
}

type Answer = { status: number; body: string };

/** Start-up bookkeeping: the processes started so far, the deadline, errors that quote logs. */
class Startup {
  private readonly components: Component[] = [];

  constructor(
    private readonly dir: string,
    private readonly bins: Binaries,
    private readonly deadline: number,
    private readonly timeoutMs: number,
    private readonly extraArgs: Partial<Record<ComponentName, readonly string[]>>,
  ) {}

  start(name: ComponentName, args: string[]): Component {
    const all = [...args, ...(this.extraArgs[name] ?? [])];
    const component = new Component(name, this.bins.paths[name], all, join(this.dir, `${name}.log`));
    this.components.push(component);
    return component;
  }

  /** The first component that exited, as an error quoting its log. */
  private crashed(): ControlPlaneStartError | undefined {
    const dead = this.components.find((c) => c.hasExited());
    if (!dead) return undefined;
    return new ControlPlaneStartError(
      `startControlPlane: ${dead.name} exited during start-up; the end of ${dead.logFile}:\n${logTail(dead)}\n(logs kept in ${this.dir})`,
    );
  }

  private timedOut(what: string, last: string, component?: Component): ControlPlaneStartError {
    const log = component ? `; the end of ${component.logFile}:\n${logTail(component)}\n` : '; ';
    return new ControlPlaneStartError(
      `startControlPlane: not started within ${this.timeoutMs / 1000} s (startTimeoutMs): ${what}; last seen: ${last}${log}(logs kept in ${this.dir})`,
    );
  }

  /** Polls url until `ok` says yes; fails fast if any component exits, or at the deadline. */
  async waitFor(
    component: Component,
    url: string,
    ok: (answer: Answer) => boolean,
    tls?: { ca: string; cert: string; key: string },
  ): Promise<void> {
    let last = 'no answer yet';
    for (;;) {
      const crash = this.crashed();
      if (crash) throw crash;
      const answer = await probe(url, tls);
      if (!('error' in answer) && ok(answer)) return;
      last = 'error' in answer ? answer.error : `HTTP ${answer.status} ${answer.body.slice(0, 300)}`;
      if (Date.now() > this.deadline)
        throw this.timedOut(`waiting for ${component.name} at ${url}`, last, component);
      await sleep(250);
    }
  }

  /** Runs one step against the deadline (and any component exiting meanwhile). */
  async step<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let watcher: NodeJS.Timeout | undefined;
    const bounded = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.timedOut(what, 'the step was still running')),
        Math.max(0, this.deadline - Date.now()),
      );
      watcher = setInterval(() => {
        const crash = this.crashed();
        if (crash) reject(crash);
      }, 500);
    });
    try {
      return await Promise.race([run(), bounded]);
    } finally {
      clearTimeout(timer);
      clearInterval(watcher);
    }
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** Clients first (kwok, scheduler, controller-manager), then the API server, then etcd. */
  async stopAll(graceMs?: number): Promise<void> {
    for (const c of [...this.components].reverse()) await c.stop(graceMs);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nodes, DaemonSets, storage classes and PVs, and the marker ConfigMap. Answers the node names. */
async function createObjects(kc: KubeConfig, options: Resolved): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  // kube-public and kube-system are created by the API server's own controllers shortly after it is ready.
  await untilCreated(() =>
    core.createNamespacedConfigMap({ namespace: 'kube-public', body: TEST_CLUSTER_MARKER }),
  );
  if (options.bare) return [];
  const preset = presetOf(options.preset);
  await Promise.all(preset.nodes.map((n, i) => core.createNode({ body: nodeObject(n, i) })));
  const { classes, volumes } = storageObjects(options.preset, preset.nodes, options.volumesPerNode);
  await Promise.all(classes.map((body) => storage.createStorageClass({ body })));
  await Promise.all(volumes.map((body) => core.createPersistentVolume({ body })));
  await Promise.all(
    daemonSetObjects(preset).map((body) =>
      untilCreated(() =>
        apps.createNamespacedDaemonSet({ namespace: body.metadata?.namespace ?? 'default', body }),
      ),
    ),
  );
  return preset.nodes.map((n) => n.name);
}

/** Retries a create while its namespace does not exist yet (404). */
async function untilCreated(create: () => Promise<unknown>): Promise<void> {
  for (;;) {
    try {
      await create();
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      await sleep(200);
    }
  }
}

async function waitUntilUsable(kc: KubeConfig, nodes: readonly string[], plane: Startup): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (;;) {
    const [list, accounts] = await Promise.all([
      core.listNode(),
      core.listNamespacedServiceAccount({ namespace: 'default' }),
    ]);
    const ready = list.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
    const hasDefault = accounts.items.some((a) => a.metadata?.name === 'default');
    if (ready === nodes.length && hasDefault) return;
    if (plane.remainingMs() <= 0) return; // the step's own deadline reports it
    await sleep(300);
  }
}

/**
 * Static PVs have no provisioner to delete them: once their claim is gone (Released), clear the
 * claim reference so the PV is Available again, as a fresh disk would be. Polls every 2 s.
 */
function recycleVolumes(kc: KubeConfig): { stop(): void } {
  const core = kc.makeApiClient(CoreV1Api);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const list = await core.listPersistentVolume({ labelSelector: STATIC_VOLUME_LABEL });
      for (const pv of list.items) {
        if (stopped) return;
        if (pv.status?.phase !== 'Released') continue;
        const body: V1PersistentVolume = { ...pv, spec: { ...pv.spec, claimRef: undefined } };
        // A conflict or a vanished PV is retried (or moot) on the next tick.
        await core.replacePersistentVolume({ name: pv.metadata?.name ?? '', body }).catch(() => {});
      }
    } catch {
      // The API server is stopping, or busy: try again on the next tick.
    }
    if (!stopped) timer = setTimeout(tick, 2000).unref();
  };
  timer = setTimeout(tick, 2000).unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
