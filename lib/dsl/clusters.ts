/**
 * OnEachCluster: one spec text, run against every embedded preset (each in its own simulated
 * cluster, started for the container and stopped after it), or against the cluster KUBECONFIG
 * names when KUBEXPECT_CLUSTER=kubeconfig, or against a fresh real control plane per preset
 * (kubexpect/controlplane: kube-apiserver, etcd, scheduler, controller-manager, kwok nodes) when
 * KUBEXPECT_CLUSTER=controlplane. The spec never learns which preset it runs on: what
 * differs between clusters must come from the cluster itself (storage profiles).
 */
import { type Connection, connect } from '../client/index.ts';
import { readEnv } from '../config/env.ts';
import { DeferCleanup } from './cleanup.ts';
import type { Decorator } from './decorators.ts';
import { BeforeAll, Describe } from './nodes.ts';
import { currentScope } from './scope.ts';
import { announceTarget } from './target-banner.ts';

/** The presets the sample specs run on: node-pinned storage (`kind`) and storage that follows the pod (`cloud`). */
export const EMBEDDED_PRESETS = ['kind', 'cloud'] as const;
export type EmbeddedPreset = (typeof EMBEDDED_PRESETS)[number];

/**
 * Simulated latencies are multiplied by this (0.01: a 10 s pod start takes 100 ms), and named
 * budgets by EMBEDDED_SLOW_FACTOR, unless KUBEXPECT_SLOW_FACTOR says otherwise.
 */
export const EMBEDDED_TIME_SCALE = 0.01;
/**
 * Thirty times the time scale: budgets keep their proportions, with room for what does not scale
 * (HTTP round trips, and a busy machine, where start-up and a drain take seconds of CPU whatever the
 * scale). A wait that passes ends at once, so the room costs nothing when the specs are green.
 */
export const EMBEDDED_SLOW_FACTOR = EMBEDDED_TIME_SCALE * 30;
/** A fixed seed, so a failing run can be replayed exactly. */
export const EMBEDDED_SEED = 20_260_701;

/** The cluster a container's specs run against; `conn` is usable from the first BeforeAll on. */
export interface ClusterTarget {
  /** `embedded kind`, `embedded cloud`, or the kubeconfig context. */
  readonly name: string;
  readonly conn: Connection;
}

export type TargetMode = 'embedded' | 'kubeconfig' | 'controlplane';

export function targetMode(): TargetMode {
  const mode = readEnv('KUBEXPECT_CLUSTER')?.trim() ?? 'embedded';
  if (mode !== 'embedded' && mode !== 'kubeconfig' && mode !== 'controlplane') {
    throw new TypeError(
      `KUBEXPECT_CLUSTER must be "embedded", "kubeconfig" or "controlplane", got ${JSON.stringify(mode)}`,
    );
  }
  return mode;
}

class Target implements ClusterTarget {
  private connection: Connection | undefined;
  constructor(public name: string) {}
  get conn(): Connection {
    if (!this.connection) {
      throw new Error(
        `the cluster "${this.name}" is not connected yet: use target.conn inside BeforeAll, BeforeEach, It or AfterEach, not while the specs are being defined`,
      );
    }
    return this.connection;
  }
  attach(conn: Connection | undefined): void {
    this.connection = conn;
  }
}

function connectEmbedded(target: Target, preset: EmbeddedPreset): void {
  BeforeAll(async () => {
    const previousFactor = process.env.KUBEXPECT_SLOW_FACTOR;
    if (readEnv('KUBEXPECT_SLOW_FACTOR') === undefined) {
      process.env.KUBEXPECT_SLOW_FACTOR = String(EMBEDDED_SLOW_FACTOR);
      DeferCleanup(() => {
        if (previousFactor === undefined) delete process.env.KUBEXPECT_SLOW_FACTOR;
        else process.env.KUBEXPECT_SLOW_FACTOR = previousFactor;
      });
    }
    // The embedded cluster loads only when a spec asks for one (kubexpect/dsl stays light on kind).
    const { startCluster } = await import('../sim/index.ts');
    const cluster = await startCluster({ preset, timeScale: EMBEDDED_TIME_SCALE, seed: EMBEDDED_SEED });
    DeferCleanup(() => cluster.stop());
    const conn = await connect({ kubeconfig: cluster.kubeconfig });
    target.attach(conn);
    DeferCleanup(() => {
      target.attach(undefined);
      conn.close();
    });
    await announceTarget(conn, 'embedded');
  });
}

/** Start-up of a real control plane can take minutes on a busy machine: the hook's mocha timeout. */
const CONTROLPLANE_START_MS = 240_000;

/** A fresh real control plane per container (kubexpect/controlplane, loaded only here). */
function connectControlPlane(target: Target, preset: EmbeddedPreset): void {
  BeforeAll(async () => {
    currentScope('OnEachCluster').mochaContext?.timeout(CONTROLPLANE_START_MS + 30_000);
    const { startControlPlane } = await import('../controlplane/index.ts');
    const plane = await startControlPlane({ preset, startTimeoutMs: CONTROLPLANE_START_MS });
    DeferCleanup(() => plane.stop());
    const conn = await connect({ kubeconfig: plane.kubeconfig });
    target.attach(conn);
    DeferCleanup(() => {
      target.attach(undefined);
      conn.close();
    });
  });
}

function connectKubeconfig(target: Target): void {
  BeforeAll(async () => {
    const conn = await connect();
    target.name = conn.context;
    target.attach(conn);
    DeferCleanup(() => {
      target.attach(undefined);
      conn.close();
    });
    await announceTarget(conn, `${conn.context} ${conn.server}`);
  });
}

/**
 * Defines the container once per target cluster: for each embedded preset
 * (`<title> (embedded kind)`, `<title> (embedded cloud)`), or once for KUBECONFIG's cluster.
 */
export function OnEachCluster(
  title: string,
  ...rest: [...Decorator[], (target: ClusterTarget) => void]
): void {
  const body = rest.at(-1);
  if (typeof body !== 'function') {
    throw new TypeError(`OnEachCluster("${title}"): the last argument must be the body function`);
  }
  const decorators = rest.slice(0, -1) as Decorator[];
  const define = (suffix: string, target: Target, connectTarget: () => void) =>
    Describe(`${title} (${suffix})`, ...decorators, () => {
      connectTarget();
      (body as (target: ClusterTarget) => void)(target);
    });
  if (targetMode() === 'kubeconfig') {
    const target = new Target('kubeconfig');
    define('KUBECONFIG cluster', target, () => connectKubeconfig(target));
    return;
  }
  if (targetMode() === 'controlplane') {
    // The same node names and default storage behaviour as the embedded preset of that name.
    for (const preset of EMBEDDED_PRESETS) {
      const target = new Target(`controlplane ${preset}`);
      define(`controlplane ${preset}`, target, () => connectControlPlane(target, preset));
    }
    return;
  }
  for (const preset of EMBEDDED_PRESETS) {
    const target = new Target(`embedded ${preset}`);
    define(`embedded ${preset}`, target, () => connectEmbedded(target, preset));
  }
}
