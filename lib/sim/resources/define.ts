/** Helpers that keep each resource file down to what is special about its kind. */
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';

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

/** A resource type with the defaults of built-in kinds (strategic merge accepted). */
export function builtIn(rt: ResourceType): ResourceType {
  return { strategicMerge: true, ...rt };
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
