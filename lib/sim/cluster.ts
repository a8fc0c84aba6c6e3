/**
 * startCluster: an embedded Kubernetes API server on loopback, with the kubeconfig that points
 * real clients (kubectl, @kubernetes/client-node) at it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { Api } from './api/api.ts';
import { serverSideApply } from './api/apply.ts';
import { Registry } from './api/registry.ts';
import { Store } from './api/store.ts';
import { type Controller, SimRuntime } from './controllers/runtime.ts';
import {
  installPreset,
  type PresetOption,
  presetControllers,
  presetSettled,
  resolvePreset,
} from './presets/index.ts';
import { seededRandom } from './random.ts';
import { BUILT_IN_RESOURCES, installResourceBehaviour } from './resources/index.ts';
import { FaultInjector, type FaultOptions } from './server/faults.ts';
import { HttpFront, type HttpOptions } from './server/http.ts';
import { openApiRoute } from './server/openapi.ts';
import { testClusterMarker } from './test-cluster-marker.ts';

export interface ClusterOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Seed for every random choice (names, uids, controller decisions). Default: random. */
  seed?: number;
  /**
   * Bearer token clients must present, written into the kubeconfig: a string, or `true` for a fresh
   * random one. Default: none, because kubectl sends credentials only to TLS servers and this one
   * speaks plain HTTP on loopback; @kubernetes/client-node does send it.
   */
  token?: string | boolean;
  /** How many changes watches can resume across before 410 Expired. Default 20,000. */
  historySize?: number;
  /** HTTP-level options: body limit, bookmark interval. */
  http?: Pick<HttpOptions, 'maxBodyBytes' | 'bookmarkIntervalMs' | 'resourceVersionWaitMs'>;
  /** Name used for the kubeconfig cluster, context and user. Default `kubexpect-sim`. */
  name?: string;
  /** Multiplies every simulated latency: 1 is realistic seconds, 0.01 a hundred times faster. Default 1. */
  timeScale?: number;
  /** Controllers to run (presets choose theirs; an empty list gives a bare API server). */
  controllers?: Controller[];
  /**
   * A simulated cluster to start: `kind`, `cloud`, or a custom `{ nodes, storageClasses, latencies… }`.
   * Its objects are created at start and its controllers run before `controllers`; startCluster resolves
   * once the preset's DaemonSet pods are Ready (like `kind create cluster --wait`). Absent: a bare API server.
   */
  preset?: PresetOption;
  /** Faults injected into HTTP requests (never into the controllers); off by default. */
  faults?: FaultOptions;
}

export interface Cluster {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly seed: number;
  /** A kubeconfig (YAML) for this cluster. */
  readonly kubeconfig: string;
  /** Writes the kubeconfig to a file (mode 0600) and returns its path. */
  writeKubeconfig(path: string): Promise<string>;
  /** The server-side API (for the simulator's own controllers and tests of the simulator). */
  readonly api: Api;
  /** The controllers' runtime (informers, timers, events); undefined parts are never needed by clients. */
  readonly runtime: SimRuntime;
  /** Requests served so far, by verb. */
  requestCounts(): Record<string, number>;
  /** Changes the injected faults while the cluster runs; undefined or {} turns them off. */
  setFaults(faults: FaultOptions | undefined): void;
  stop(): Promise<void>;
}

/**
 * A kubeconfig for the cluster, written by the yaml library so every value (a token with `: ` or a
 * newline, an odd name) is quoted as it must be and can never inject keys.
 */
export function kubeconfigYaml(url: string, token: string | undefined, name: string): string {
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
      { name, cluster: { server: url, 'insecure-skip-tls-verify': true } },
    ],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    users: [{ name, user: token ? { token } : {} }],
  });
}

/** A bearer token must fit in an HTTP header: visible ASCII and spaces, no newline or control character. */
function checkToken(token: string): void {
  if (token === '' || !/^[\x20-\x7e]+$/.test(token)) {
    throw new TypeError(
      'startCluster: token must be non-empty visible ASCII (an HTTP Authorization header cannot carry a newline, a control character or non-ASCII text)',
    );
  }
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  // Checked before anything starts, so a bad token leaves nothing running.
  const token =
    options.token === true
      ? randomBytes(24).toString('base64url')
      : typeof options.token === 'string'
        ? options.token
        : undefined;
  if (token !== undefined) checkToken(token);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const store = new Store({ historySize: options.historySize });
  const registry = new Registry();
  for (const rt of BUILT_IN_RESOURCES) registry.add(rt);
  const api = new Api(store, registry, { random });
  api.applyHandler = serverSideApply;
  for (const ns of DEFAULT_NAMESPACES)
    api.create(api.resource('', 'namespaces'), undefined, { metadata: { name: ns } });
  api.create(api.resource('', 'configmaps'), 'kube-public', testClusterMarker());
  installResourceBehaviour(api);

  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new TypeError(
      `startCluster: timeScale must be a positive number, got ${String(options.timeScale)}`,
    );
  }
  // Faults draw from their own stream of the seed, so turning them on does not change names or uids.
  const faults = new FaultInjector(seededRandom(seed ^ 0x5eed), () => store.resourceVersion, options.faults);
  const preset = options.preset === undefined ? undefined : resolvePreset(options.preset);
  const presetRun = preset ? presetControllers(preset) : [];
  if (preset) installPreset(api, preset);
  const runtime = new SimRuntime(api, { timeScale, random });
  for (const controller of [...presetRun, ...(options.controllers ?? [])]) controller.start(runtime);
  if (preset) {
    try {
      await presetSettled(runtime, preset);
    } catch (err) {
      runtime.stop();
      throw err;
    }
  }

  const front = new HttpFront(api, { ...options.http, token, extraRoutes: [openApiRoute(registry)] });
  const port = await front.listen(options.port ?? 0);
  front.interceptor = faults;
  const url = `http://127.0.0.1:${port}`;
  const name = options.name ?? 'kubexpect-sim';
  const kubeconfig = kubeconfigYaml(url, token, name);
  return {
    url,
    port,
    seed,
    kubeconfig,
    api,
    runtime,
    async writeKubeconfig(path: string) {
      await mkdir(dirname(path), { recursive: true });
      // Written whole, then renamed: whoever waits for the file never reads half of it.
      const partial = `${path}.${process.pid}.partial`;
      await writeFile(partial, kubeconfig, { mode: 0o600 });
      await rename(partial, path);
      return path;
    },
    requestCounts: () => Object.fromEntries(front.requestCounts),
    setFaults: (next) => faults.set(next),
    async stop() {
      runtime.stop();
      await front.close();
    },
  };
}
