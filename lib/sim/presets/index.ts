/**
 * Presets: a simulated cluster's starting objects and controllers, from a built-in name (`kind`,
 * `cloud`) or a custom preset. startCluster creates the objects through the Api, then starts the
 * controllers.
 */
import type { Api } from '../api/api.ts';
import type { KObject } from '../api/types.ts';
import type { SimRuntime } from '../controllers/runtime.ts';
import { presetObjects } from './objects.ts';

export { type PresetNodeIdentity, presetNodeIdentity } from './objects.ts';
import type { Preset } from './types.ts';

export { type CloudPresetOptions, cloudPreset, type StorageMobility } from './cloud.ts';
export { presetControllers } from './controllers.ts';
export { type KindPresetOptions, kindPreset } from './kind.ts';
export { PRESETS, resolvePreset } from './resolve.ts';
export type * from './types.ts';

function groupOf(apiVersion: string | undefined): string {
  const i = (apiVersion ?? '').indexOf('/');
  return i < 0 ? '' : apiVersion!.slice(0, i);
}

/** Creates a preset's objects (nodes, storage, DaemonSets, then its extra objects) through the Api. */
export function installPreset(api: Api, preset: Preset): void {
  for (const { group, plural, object } of presetObjects(preset, api.now())) {
    const rt = api.resource(group, plural);
    api.create(rt, object.metadata.namespace, object, { fieldManager: 'kubexpect-preset' });
  }
  for (const [i, object] of (preset.objects ?? []).entries()) {
    const obj = object as KObject;
    const rt = obj.kind ? api.registry.findKind(groupOf(obj.apiVersion), obj.kind) : undefined;
    if (!rt) {
      throw new TypeError(
        `startCluster: preset objects[${i}]: no served kind "${String(obj.kind)}" in "${String(obj.apiVersion)}"`,
      );
    }
    api.create(rt, obj.metadata?.namespace, obj, { fieldManager: 'kubexpect-preset' });
  }
}

/** Realistic time a preset's DaemonSets get to become ready at start (scaled by the time scale). */
const SETTLE_MS = 120_000;
/**
 * Start-up is CPU work more than simulated time (informers, a dozen writes per pod): at a small time
 * scale on a busy machine it takes seconds of wall time whatever the scale, so the deadline is never
 * shorter than this. A cluster that settles does not wait for it.
 */
const SETTLE_FLOOR_MS = 60_000;

/**
 * Resolves once every DaemonSet of the preset has a ready pod on each node it wants, like
 * `kind create cluster --wait`: pods a test creates afterwards then meet the same cluster every run.
 */
export function presetSettled(runtime: SimRuntime, preset: Preset): Promise<void> {
  const api = runtime.api;
  const wanted = (preset.daemonSets ?? []).map((ds) => ({ namespace: ds.namespace, name: ds.name }));
  if (wanted.length === 0) return Promise.resolve();
  const rt = api.resource('apps', 'daemonsets');
  const settled = () =>
    wanted.every(({ namespace, name }) => {
      const ds = api.find(rt, namespace, name);
      const status = (ds?.status ?? {}) as {
        observedGeneration?: number;
        desiredNumberScheduled?: number;
        numberReady?: number;
      };
      return (
        !!ds &&
        status.observedGeneration === ds.metadata.generation &&
        status.desiredNumberScheduled !== undefined &&
        status.numberReady === status.desiredNumberScheduled
      );
    });
  const deadline = Date.now() + Math.max(SETTLE_FLOOR_MS, runtime.scaled(SETTLE_MS));
  return new Promise((resolve, reject) => {
    const check = () => {
      if (settled()) resolve();
      else if (Date.now() > deadline || runtime.isStopped) {
        const state = wanted.map(({ namespace, name }) => {
          const s = (api.find(rt, namespace, name)?.status ?? {}) as Record<string, unknown>;
          return `${namespace}/${name} ${String(s.numberReady ?? 0)}/${String(s.desiredNumberScheduled ?? '?')} ready`;
        });
        reject(
          new Error(
            `startCluster: the preset's DaemonSets did not become ready in time: ${state.join(', ')}`,
          ),
        );
      } else setTimeout(check, 2);
    };
    check();
  });
}
