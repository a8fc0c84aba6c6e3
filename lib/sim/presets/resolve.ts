/**
 * Turns what `startCluster({ preset })` was given into a checked Preset, or throws a TypeError
 * that says what is wrong and what is accepted, before anything starts.
 */
import { resolveLatencies } from '../controllers/latencies.ts';
import { parseQuantity } from '../controllers/node-matching.ts';
import { cloudPreset } from './cloud.ts';
import { kindPreset } from './kind.ts';
import type { Preset, PresetOption } from './types.ts';

export const PRESETS: Readonly<Record<string, () => Preset>> = Object.freeze({
  kind: () => kindPreset(),
  cloud: () => cloudPreset(),
  'cloud-zonal': () => cloudPreset({ storageMobility: 'zone', workersPerZone: 2 }),
});

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function fail(where: string, message: string): never {
  throw new TypeError(`startCluster: preset ${where}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNames(where: string, items: { name?: unknown }[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const name = item.name;
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253) {
      fail(
        `${where}[${i}].name`,
        `must be a lowercase DNS name such as "worker-1", got ${JSON.stringify(name)}`,
      );
    }
    if (seen.has(name)) fail(`${where}[${i}].name`, `"${name}" is used twice`);
    seen.add(name);
  });
}

function checkPreset(p: Preset): Preset {
  const label = p.name ? `"${p.name}"` : '(custom)';
  if (!Array.isArray(p.nodes) || p.nodes.length === 0) {
    fail(`${label} nodes`, 'must be a non-empty array of { name, labels?, taints?, zone?, capacity? }');
  }
  if (!p.nodes.every(isObject)) fail(`${label} nodes`, 'every entry must be an object with a name');
  checkNames(`${label} nodes`, p.nodes);
  p.nodes.forEach((node, i) => {
    const where = `${label} nodes[${i}] (${node.name})`;
    for (const [j, t] of (node.taints ?? []).entries()) {
      if (!isObject(t) || typeof t.key !== 'string' || !t.key) fail(`${where} taints[${j}]`, 'needs a key');
      if (!EFFECTS.includes(t.effect)) {
        fail(
          `${where} taints[${j}]`,
          `effect must be one of ${EFFECTS.join(', ')}, got ${JSON.stringify(t.effect)}`,
        );
      }
    }
    for (const [k, v] of Object.entries(node.labels ?? {})) {
      if (typeof v !== 'string') fail(`${where} labels`, `the value of "${k}" must be a string`);
    }
    if (node.zone !== undefined && (typeof node.zone !== 'string' || !node.zone)) {
      fail(`${where} zone`, 'must be a non-empty string such as "zone-a"');
    }
    for (const [k, v] of Object.entries(node.capacity ?? {})) {
      if (typeof v !== 'string' || Number.isNaN(parseQuantity(v))) {
        fail(
          `${where} capacity.${k}`,
          `must be a quantity such as "4", "500m" or "16Gi", got ${JSON.stringify(v)}`,
        );
      }
    }
  });
  const classes = p.storageClasses ?? [];
  checkNames(`${label} storageClasses`, classes);
  classes.forEach((sc, i) => {
    const where = `${label} storageClasses[${i}] (${sc.name})`;
    if (typeof sc.provisioner !== 'string' || !sc.provisioner) fail(where, 'needs a provisioner');
    if (sc.volumeBindingMode && !['Immediate', 'WaitForFirstConsumer'].includes(sc.volumeBindingMode)) {
      fail(
        `${where} volumeBindingMode`,
        `must be Immediate or WaitForFirstConsumer, got ${JSON.stringify(sc.volumeBindingMode)}`,
      );
    }
    if (sc.reclaimPolicy && !['Delete', 'Retain'].includes(sc.reclaimPolicy)) {
      fail(`${where} reclaimPolicy`, `must be Delete or Retain, got ${JSON.stringify(sc.reclaimPolicy)}`);
    }
  });
  if (classes.filter((c) => c.isDefault).length > 1)
    fail(`${label} storageClasses`, 'more than one is marked isDefault');
  checkNames(`${label} csiDrivers`, p.csiDrivers ?? []);
  (p.csiDrivers ?? []).forEach((d, i) => {
    if (typeof d.attachRequired !== 'boolean')
      fail(`${label} csiDrivers[${i}] (${d.name}) attachRequired`, 'must be true or false');
  });
  (p.daemonSets ?? []).forEach((ds, i) => {
    const where = `${label} daemonSets[${i}]`;
    if (!isObject(ds) || typeof ds.name !== 'string' || !DNS_SUBDOMAIN.test(ds.name))
      fail(where, 'needs a lowercase name');
    if (typeof ds.namespace !== 'string' || !DNS_SUBDOMAIN.test(ds.namespace))
      fail(where, 'needs a namespace');
    if (typeof ds.image !== 'string' || !ds.image) fail(where, 'needs an image');
  });
  try {
    resolveLatencies(p.latencies);
  } catch (err) {
    fail(`${label} latencies`, (err as Error).message);
  }
  return p;
}

/** The checked preset for a name or a preset object. */
export function resolvePreset(option: PresetOption): Preset {
  if (typeof option === 'string') {
    const make = PRESETS[option];
    if (!make) {
      throw new TypeError(
        `startCluster: unknown preset "${option}"; known presets: ${Object.keys(PRESETS).join(', ')} (or pass { nodes: [...] } for a custom one)`,
      );
    }
    return checkPreset(make());
  }
  if (!isObject(option)) {
    throw new TypeError(
      `startCluster: preset must be one of ${Object.keys(PRESETS).join(', ')} or an object with nodes, got ${JSON.stringify(option)}`,
    );
  }
  return checkPreset({ ...(option as Preset) });
}
