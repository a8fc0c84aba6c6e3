/**
 * Draws for the storage controllers that depend only on the cluster's seed and on what they decide
 * (an operation and an object's name), not on the order timers fire in, so a seed replays the same
 * volumes, handles and latencies. (Same scheme as ../stable-random.ts; kept here so the storage
 * controllers stand on committed ground. Fold into it once both live in the tree.)
 */
import { type Random, seededRandom } from '../../random.ts';
import type { SimRuntime } from '../runtime.ts';

const bases = new WeakMap<SimRuntime, number>();

/** Fixes the per-cluster base; call from a controller's start so it never depends on timing. */
export function initKeyedRandom(runtime: SimRuntime): number {
  let base = bases.get(runtime);
  if (base === undefined) {
    base = Math.floor(runtime.random() * 2 ** 32);
    bases.set(runtime, base);
  }
  return base;
}

/** A stream of numbers in [0, 1) determined by the seed and the parts (FNV-1a of the parts). */
export function keyedStream(runtime: SimRuntime, ...parts: string[]): Random {
  const text = parts.join('\u0000');
  let h = (2166136261 ^ initKeyedRandom(runtime)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return seededRandom(h);
}

/** A number in [0, 1) determined by the seed and the parts. */
export function keyedDraw(runtime: SimRuntime, ...parts: string[]): number {
  return keyedStream(runtime, ...parts)();
}
