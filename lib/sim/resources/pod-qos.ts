/**
 * A pod's QoS class, as kube-apiserver writes it into status.qosClass on create
 * (k8s.io/kubernetes pkg/apis/core/helper/qos GetPodQOS): only cpu and memory count; every container
 * (regular and init) with both limits set and requests equal to limits is Guaranteed, nothing set is
 * BestEffort, anything else Burstable. Pod-level resources, when given, decide alone.
 */
import { compareQuantities, parseQuantity, type Quantity } from '../api/quantity.ts';
import { isPlainObject } from '../api/types.ts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

type Obj = Record<string, unknown>;

const COMPUTE = ['cpu', 'memory'];
const ZERO = parseQuantity('0');

/** The positive cpu and memory quantities of a ResourceList (malformed ones never reach here). */
function positive(list: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isPlainObject(list)) return out;
  for (const name of COMPUTE) {
    const value = list[name];
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    try {
      const q = parseQuantity(String(value));
      if (compareQuantities(q, ZERO) > 0) out.set(name, q);
    } catch {
      // not a quantity: the decoder refuses it first
    }
  }
  return out;
}

/** Exact sum. Decoded exponents are small; a gap past 4096 digits (`1e999999`) is refused, not built. */
function add(a: Quantity | undefined, b: Quantity): Quantity {
  if (!a) return b;
  if (Math.abs(a.exponent - b.exponent) > 4096) throw new RangeError('quantities too far apart to add');
  const exponent = Math.min(a.exponent, b.exponent);
  const align = (q: Quantity) => q.mantissa * 10n ** BigInt(q.exponent - exponent);
  return { mantissa: align(a) + align(b), exponent, format: a.format };
}

function classOf(resources: Obj[]): QosClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const r of resources) {
    for (const [name, q] of positive(r.requests)) requests.set(name, add(requests.get(name), q));
    const found = positive(r.limits);
    for (const [name, q] of found) limits.set(name, add(limits.get(name), q));
    if (!COMPUTE.every((name) => found.has(name))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, q] of requests) {
      const limit = limits.get(name);
      if (!limit || compareQuantities(limit, q) !== 0) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** GetPodQOS for a pod spec after defaulting (requests already copied from limits). */
export function podQosClass(spec: unknown): QosClass {
  if (!isPlainObject(spec)) return 'BestEffort';
  const podLevel = spec.resources;
  if (
    isPlainObject(podLevel) &&
    (positive(podLevel.requests).size > 0 || positive(podLevel.limits).size > 0)
  ) {
    return classOf([podLevel]);
  }
  const containers = [spec.containers, spec.initContainers].flatMap((list) =>
    Array.isArray(list) ? list.filter(isPlainObject) : [],
  );
  try {
    return classOf(containers.map((c) => (isPlainObject(c.resources) ? c.resources : {})));
  } catch (err) {
    if (err instanceof RangeError) return 'Burstable'; // values no real pod holds: not summed exactly
    throw err;
  }
}
