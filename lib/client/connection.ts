/**
 * A connection to one cluster: the kubeconfig, typed API clients, small reads that follow the
 * retry policy, and the lifecycle of everything opened on it (watches are closed with it).
 */
import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { readEnv } from '../config/env.ts';
import { type ClassifiedError, type RecordedError, redact } from './errors.ts';
import { type CallOptions, callWithRetry, type RetryPolicy } from './retry.ts';
import { currentRequestSignal } from './scope.ts';
import {
  openWatch,
  type WatchEndHandler,
  type WatchEventHandler,
  type WatchOptions,
  type WatchQuery,
} from './watch.ts';

export interface ConnectOptions {
  /** A kubeconfig file path, or the kubeconfig YAML itself. Default: KUBECONFIG, ~/.kube/config, in-cluster. */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string;
  /** Retry policy for transient API errors. */
  retry?: RetryPolicy;
}

/** Something opened on a connection that must be closed with it (a watch cache, a timer). */
export interface Closeable {
  close(): void;
}

const RECENT_ERRORS = 50;

export class Connection {
  readonly kubeConfig: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly policy: k8s.PolicyV1Api;
  readonly storage: k8s.StorageV1Api;
  readonly custom: k8s.CustomObjectsApi;
  /** Generic access to any kind by apiVersion/kind (create, read, patch, delete, list). */
  readonly objects: k8s.KubernetesObjectApi;
  /** The context in use. */
  readonly context: string;
  /** The API server URL. */
  readonly server: string;
  /** The context's default namespace (`default` when it names none). */
  readonly namespace: string;
  readonly retryPolicy: RetryPolicy;
  private readonly closeables = new Set<Closeable>();
  private readonly errors: RecordedError[] = [];
  private closed = false;

  constructor(kubeConfig: k8s.KubeConfig, retryPolicy: RetryPolicy = {}) {
    this.kubeConfig = kubeConfig;
    this.retryPolicy = retryPolicy;
    const configuration = signalledConfiguration(kubeConfig);
    this.core = new k8s.CoreV1Api(configuration);
    this.apps = new k8s.AppsV1Api(configuration);
    this.batch = new k8s.BatchV1Api(configuration);
    this.policy = new k8s.PolicyV1Api(configuration);
    this.storage = new k8s.StorageV1Api(configuration);
    this.custom = new k8s.CustomObjectsApi(configuration);
    this.objects = SignalledObjectApi.make(kubeConfig, configuration);
    this.context = kubeConfig.getCurrentContext();
    this.server = kubeConfig.getCurrentCluster()?.server ?? '';
    this.namespace = kubeConfig.getContextObject(this.context)?.namespace ?? 'default';
  }

  /**
   * Runs an API call under the retry policy. Transient errors are retried and recorded; final
   * errors reject with a KubeApiError whose message says what to fix.
   */
  call<T>(operation: string, fn: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    return callWithRetry(operation, fn, this.withRecording(operation, options));
  }

  /** Like call(), but a NotFound resolves to `undefined`: a missing object is a state, not an error. */
  find<T>(operation: string, fn: () => Promise<T>, options: CallOptions = {}): Promise<T | undefined> {
    return callWithRetry(operation, fn, { ...this.withRecording(operation, options), notFoundIsState: true });
  }

  private withRecording(operation: string, options: CallOptions): CallOptions {
    return {
      policy: this.retryPolicy,
      ...options,
      onTransient: (error) => {
        this.recordError(operation, error);
        options.onTransient?.(error);
      },
    };
  }

  /**
   * Opens a watch on `path` (a collection path) that the signal can end at any moment, even before
   * the server answers. Resolves once the server answered 200; see openWatch.
   */
  watch(
    path: string,
    query: WatchQuery,
    onEvent: WatchEventHandler,
    onEnd: WatchEndHandler,
    options: WatchOptions = {},
  ): Promise<void> {
    return openWatch(this.kubeConfig, path, query, onEvent, onEnd, options);
  }

  /** Records a transient error (watches and calls do this) so failure messages can show the last one. */
  recordError(operation: string, error: ClassifiedError): void {
    this.errors.push({ at: Date.now(), operation, error });
    if (this.errors.length > RECENT_ERRORS) this.errors.shift();
  }

  /** Transient errors recorded since `since` (ms epoch), oldest first. */
  errorsSince(since: number): RecordedError[] {
    return this.errors.filter((e) => e.at >= since);
  }

  getPod(namespace: string, name: string): Promise<k8s.V1Pod> {
    return this.call(`get pod ${namespace}/${name}`, () => this.core.readNamespacedPod({ namespace, name }), {
      namespace,
    });
  }

  findPod(namespace: string, name: string): Promise<k8s.V1Pod | undefined> {
    return this.find(`get pod ${namespace}/${name}`, () => this.core.readNamespacedPod({ namespace, name }), {
      namespace,
    });
  }

  async listPods(namespace: string, options: { labelSelector?: string } = {}): Promise<k8s.V1Pod[]> {
    const list = await this.call(
      `list pods in ${namespace}`,
      () => this.core.listNamespacedPod({ namespace, labelSelector: options.labelSelector }),
      { namespace },
    );
    return list.items;
  }

  getPvc(namespace: string, name: string): Promise<k8s.V1PersistentVolumeClaim> {
    return this.call(
      `get persistentvolumeclaim ${namespace}/${name}`,
      () => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }),
      { namespace },
    );
  }

  findPvc(namespace: string, name: string): Promise<k8s.V1PersistentVolumeClaim | undefined> {
    return this.find(
      `get persistentvolumeclaim ${namespace}/${name}`,
      () => this.core.readNamespacedPersistentVolumeClaim({ namespace, name }),
      { namespace },
    );
  }

  getNode(name: string): Promise<k8s.V1Node> {
    return this.call(`get node ${name}`, () => this.core.readNode({ name }));
  }

  findNode(name: string): Promise<k8s.V1Node | undefined> {
    return this.find(`get node ${name}`, () => this.core.readNode({ name }));
  }

  findNamespace(name: string): Promise<k8s.V1Namespace | undefined> {
    return this.find(`get namespace ${name}`, () => this.core.readNamespace({ name }));
  }

  /**
   * Events in a namespace about one object (by kind and name), newest last. Asks the server for
   * that object's events only (a field selector), so a busy namespace does not make it slow. A
   * failure rejects: a caller that shows events says they could not be read, rather than "none".
   */
  async listEventsFor(namespace: string, kind: string, name: string): Promise<k8s.CoreV1Event[]> {
    const list = await this.call(
      `list events in ${namespace}`,
      () =>
        this.core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
        }),
      { namespace, policy: { ...this.retryPolicy, retries: 1 } },
    );
    return list.items
      .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
      .sort((a, b) => eventTime(a) - eventTime(b));
  }

  /** Registers something to close with this connection; returns a function that unregisters it. */
  track(closeable: Closeable): () => void {
    if (this.closed) {
      closeable.close();
      return () => {};
    }
    this.closeables.add(closeable);
    return () => this.closeables.delete(closeable);
  }

  /** Open watches and caches right now (tests check nothing leaks). */
  get openCount(): number {
    return this.closeables.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes every watch and cache opened on this connection. Idempotent. */
  close(): void {
    this.closed = true;
    for (const c of [...this.closeables]) c.close();
    this.closeables.clear();
  }
}

/**
 * The API clients' configuration: client-node's own (server, kubeconfig authentication) plus a
 * middleware that hands each request the signal of the attempt it belongs to (see scope.ts), so
 * a deadline or an abort ends the HTTP request itself, not only the wait for it.
 */
function signalledConfiguration(kc: k8s.KubeConfig): k8s.Configuration {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('connect: the kubeconfig has no current cluster');
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (context) => {
          const signal = currentRequestSignal();
          if (signal) context.setSignal(signal);
          return context;
        },
        post: async (context) => context,
      },
    ],
  });
}

/** KubernetesObjectApi on the signalled configuration (its factory would build its own). */
class SignalledObjectApi extends k8s.KubernetesObjectApi {
  static make(kc: k8s.KubeConfig, configuration: k8s.Configuration): k8s.KubernetesObjectApi {
    const api = new SignalledObjectApi(configuration);
    api.setDefaultNamespace(kc);
    return api;
  }
}

function eventTime(e: k8s.CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

function looksLikeYaml(text: string): boolean {
  return text.includes('\n') || /^\s*(apiVersion|kind|clusters)\s*:/.test(text);
}

/**
 * Connects to a cluster. Without options: the KUBECONFIG variable, then ~/.kube/config, then the
 * in-cluster service account. `kubeconfig` may be a path or the YAML text itself.
 */
export async function connect(options: ConnectOptions = {}): Promise<Connection> {
  const kc = new k8s.KubeConfig();
  const source = options.kubeconfig;
  try {
    if (source !== undefined) {
      if (typeof source !== 'string' || source.trim() === '') {
        throw new TypeError('connect: `kubeconfig` must be a file path or kubeconfig YAML text');
      }
      if (looksLikeYaml(source)) kc.loadFromString(source);
      else if (!existsSync(source)) throw new Error(`connect: kubeconfig file ${source} does not exist`);
      else kc.loadFromFile(source);
    } else {
      const fromEnv = readEnv('KUBECONFIG');
      kc.loadFromDefault();
      const cluster = kc.getCurrentCluster();
      if (
        !fromEnv &&
        cluster?.server === 'http://localhost:8080' &&
        kc.getCurrentContext() === 'loaded-context'
      ) {
        throw new Error(
          'connect: no kubeconfig found; set KUBECONFIG, create ~/.kube/config, run inside a pod, or pass { kubeconfig }',
        );
      }
    }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('connect:')) throw err;
    // Parser messages can quote the file, credentials included.
    throw new Error(
      `connect: cannot read the kubeconfig: ${redact((err as Error).message.split('\n')[0] ?? '')}`,
    );
  }
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw new Error(
        `connect: context "${options.context}" is not in the kubeconfig; available: ${names.join(', ') || '(none)'}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(`connect: the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster`);
  }
  return new Connection(kc, options.retry);
}
