/**
 * Paths into answers, as the corpus writes them: `metadata.name`, `items[].metadata.name` (every
 * element), `spec.containers[0].image` (one element), `resources[name=pods].verbs` (the element
 * whose field has that value; `items[metadata/name=apps]` for a nested field). A key with dots is
 * quoted: `paths.'/apis/apps/v1'`.
 */

interface Segment {
  key: string;
  index?: number;
  all?: boolean;
  match?: [string, string];
}

const SEGMENT = /^([^[\]]*)(?:\[(\d*|[^=\]]+=[^\]]*)\])?$/;

/** Splits at dots outside quotes and brackets: `definitions.'io.k8s.api.core.v1.Pod'.required`. */
function split(path: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let depth = 0;
  for (const ch of path) {
    if (ch === "'" && depth === 0) quoted = !quoted;
    else if (ch === '.' && !quoted && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      if (!quoted && ch === '[') depth++;
      if (!quoted && ch === ']') depth--;
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

function parseSegments(path: string): Segment[] {
  return split(path).map((part) => {
    if (!/[[\]]/.test(part)) return { key: part };
    const m = SEGMENT.exec(part);
    if (!m) throw new Error(`bad path segment ${JSON.stringify(part)} in ${JSON.stringify(path)}`);
    const [, key = '', inner] = m;
    if (inner === undefined) return { key };
    if (inner === '') return { key, all: true };
    if (/^\d+$/.test(inner)) return { key, index: Number(inner) };
    const eq = inner.indexOf('=');
    return { key, match: [inner.slice(0, eq), inner.slice(eq + 1)] };
  });
}

function step(value: unknown, seg: Segment): unknown {
  let v = value;
  if (seg.key !== '') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[seg.key];
  }
  if (seg.index !== undefined) return Array.isArray(v) ? v[seg.index] : undefined;
  if (seg.match) {
    const [k, want] = seg.match;
    return Array.isArray(v)
      ? v.find(
          (e) =>
            String(
              k.split('/').reduce<unknown>((o, key) => (o as Record<string, unknown> | null)?.[key], e),
            ) === want,
        )
      : undefined;
  }
  return v;
}

/** The value at a path; `[]` segments give an array of the values of every element. */
export function readPath(value: unknown, path: string): unknown {
  const segs = parseSegments(path);
  const walk = (v: unknown, i: number): unknown => {
    if (i === segs.length) return v;
    const seg = segs[i] as Segment;
    const next = step(v, { ...seg, all: false });
    if (seg.all) return Array.isArray(next) ? next.map((e) => walk(e, i + 1)) : undefined;
    return next === undefined ? undefined : walk(next, i + 1);
  };
  return walk(value, 0);
}

/** Removes the value at a path, in place (a last `[]` segment empties the array). */
export function deletePath(value: unknown, path: string): void {
  const segs = parseSegments(path);
  const walk = (v: unknown, i: number): void => {
    if (typeof v !== 'object' || v === null) return;
    const seg = segs[i] as Segment;
    if (i === segs.length - 1 && !seg.all && !seg.match && seg.index === undefined) {
      if (!Array.isArray(v)) delete (v as Record<string, unknown>)[seg.key];
      return;
    }
    const next = step(v, { ...seg, all: false });
    if (i === segs.length - 1) {
      if (seg.all && Array.isArray(next)) next.length = 0;
      else if (seg.index !== undefined && Array.isArray(next)) next.splice(seg.index, 1);
      return;
    }
    if (seg.all && Array.isArray(next)) for (const e of next) walk(e, i + 1);
    else walk(next, i + 1);
  };
  walk(value, 0);
}
