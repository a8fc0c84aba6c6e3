/**
 * Random draws that depend only on the cluster's seed and on what they decide about (a pod's name,
 * a step), never on the order in which timers happened to fire. Controllers run on real timers, so
 * two runs can interleave independent work differently; keying each draw keeps every object's own
 * trajectory (its name, node, latencies) identical for the same seed.
 */
import { randomNameSuffix, seededRandom } from '../random.ts';
import type { SimRuntime } from './runtime.ts';

const bases = new WeakMap<SimRuntime, number>();

/** The per-cluster base, drawn once from the seeded source when the first controller starts. */
function baseOf(runtime: SimRuntime): number {
  let base = bases.get(runtime);
  if (base === undefined) {
    base = Math.floor(runtime.random() * 2 ** 32);
    bases.set(runtime, base);
  }
  return base;
}

/** FNV-1a over the text, mixed with a starting value. */
function hash(text: string, start: number): number {
  let h = (2166136261 ^ start) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

/** Fixes the base before any draw; call from a controller's start so the base never depends on timing. */
export function initStableRandom(runtime: SimRuntime): void {
  baseOf(runtime);
}

/** A number in [0, 1) determined by the seed and the parts. */
export function stableDraw(runtime: SimRuntime, ...parts: string[]): number {
  return seededRandom(hash(parts.join('\u0000'), baseOf(runtime)))();
}

/** A stream of numbers in [0, 1) determined by the seed and the parts. */
export function stableStream(runtime: SimRuntime, ...parts: string[]): () => number {
  return seededRandom(hash(parts.join('\u0000'), baseOf(runtime)));
}

/** A 5-character name suffix in the API server's alphabet, determined by the seed and the parts. */
export function stableSuffix(runtime: SimRuntime, ...parts: string[]): string {
  return randomNameSuffix(stableStream(runtime, 'name', ...parts));
}

/** `bytes` random bytes as hex, determined by the seed and the parts (container ids, digests). */
export function stableHex(runtime: SimRuntime, bytes: number, ...parts: string[]): string {
  const next = stableStream(runtime, 'hex', ...parts);
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(next() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}
