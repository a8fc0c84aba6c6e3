/**
 * The simple JSONPath subset CRD printer columns and scale paths use: `.a.b`, `.a[0]`, and filters
 * such as `.status.conditions[?(@.type=="Ready")].status`. Anything else reads as absent.
 */

type Step = { key: string } | { index: number } | { filterKey: string; filterValue: string };

function parse(path: string): Step[] | undefined {
  const text = path.trim().replace(/^\{(.*)\}$/, '$1');
  const steps: Step[] = [];
  const re =
    /\.([A-Za-z0-9_\-$]+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_\-$]+)\s*==\s*(?:"([^"]*)"|'([^']*)')\)\]|\['([^']*)'\]/gy;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filterKey: m[3], filterValue: m[4] ?? m[5] ?? '' });
    else if (m[6] !== undefined) steps.push({ key: m[6] });
  }
  return consumed === text.length && text.length > 0 ? steps : undefined;
}

/** The value at a simple JSONPath, or undefined. */
export function readPath(obj: unknown, path: string): unknown {
  const steps = parse(path);
  if (!steps) return undefined;
  let cur: unknown = obj;
  for (const step of steps) {
    if (cur === undefined || cur === null) return undefined;
    if ('key' in step) {
      cur =
        typeof cur === 'object' && !Array.isArray(cur)
          ? (cur as Record<string, unknown>)[step.key]
          : undefined;
    } else if ('index' in step) {
      cur = Array.isArray(cur) ? cur[step.index] : undefined;
    } else {
      cur = Array.isArray(cur)
        ? cur.find(
            (x) =>
              typeof x === 'object' &&
              x !== null &&
              String((x as Record<string, unknown>)[step.filterKey]) === step.filterValue,
          )
        : undefined;
    }
  }
  return cur;
}

/** Sets a value at a dotted path (`.spec.instances`), creating objects on the way. */
export function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}
