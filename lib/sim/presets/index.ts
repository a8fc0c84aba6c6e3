/**
 * Presets: a simulated cluster's starting objects and controllers, from a built-in name (`kind`,
 * `cloud`) or a custom preset. startCluster creates the objects through the Api, then starts the
 * controllers.
 */
import type { Api } from '../api/api.ts';
import type { KObject } from '../api/types.ts';
import { presetObjects } from './objects.ts';
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
