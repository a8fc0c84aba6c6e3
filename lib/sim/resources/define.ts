/** Helpers that keep each resource file down to what is special about its kind. */
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { checkShape, type Shape } from './shape.ts';

/** Reads a dotted path (`spec.nodeName`) as a field selector value. */
export function fieldAt(path: string): (obj: KObject) => string | undefined {
  const parts = path.split('.');
  return (obj) => {
    let cur: unknown = obj;
    for (const p of parts) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = (cur as Record<string, unknown>)[p];
    }
    if (cur === undefined || cur === null) return undefined;
    return String(cur);
  };
}

/**
 * A resource type with the defaults of built-in kinds (strategic merge accepted). With a shape, every
 * write is checked against it first, so a wrongly typed field is the real 400 decode error.
 */
export function builtIn(rt: ResourceType, shape?: Record<string, Shape>): ResourceType {
  if (!shape) return { strategicMerge: true, ...rt };
  const check = (obj: KObject) => checkShape(obj, rt.kind, rt.version, shape);
  return {
    strategicMerge: true,
    ...rt,
    prepareForCreate(obj, ctx) {
      check(obj);
      rt.prepareForCreate?.(obj, ctx);
    },
    prepareForUpdate(obj, old, ctx) {
      check(obj);
      rt.prepareForUpdate?.(obj, old, ctx);
    },
  };
}

/** Human age as kubectl prints it (`5s`, `3m12s`, `2d4h`). */
export function age(obj: KObject, now: Date): string {
  const created = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : now.getTime();
  return humanDuration(Math.max(0, now.getTime() - created));
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '<invalid>';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
