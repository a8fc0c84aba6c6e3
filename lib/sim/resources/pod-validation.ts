/**
 * The part of kube-apiserver's pod spec validation the simulator reproduces, with the real paths and
 * messages (k8s.io/kubernetes pkg/apis/core/validation ValidatePodSpec: validateContainers,
 * validateInitContainers, validateEphemeralContainers, validateContainerPorts,
 * validateResourceRequirements, validateRestartPolicy, validateDNSPolicy). Quantities arrive already
 * decoded and canonical (see ../api/quantity.ts), so they are read, not checked for form.
 */
import type { FieldError } from '../api/errors.ts';
import { dns1123LabelMessages } from '../api/metadata.ts';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../api/quantity.ts';
import { isPlainObject } from '../api/types.ts';

type Obj = Record<string, unknown>;

const objects = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);

const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** helper.IsStandardResourceName's list (hugepages- names aside). */
const STANDARD_RESOURCES = new Set([
  ...STANDARD_CONTAINER_RESOURCES,
  ...['cpu', 'memory', 'ephemeral-storage'].flatMap((r) => [`requests.${r}`, `limits.${r}`]),
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);

function supported(field: string, value: unknown, values: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  };
}

/** IsValidPortName's messages, in its order. */
function portNameMessages(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name))
    out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)');
  if (name.includes('--')) out.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen');
  return out;
}

function validatePorts(ports: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  objects(ports).forEach((port, i) => {
    const at = `${path}[${i}]`;
    if (typeof port.name === 'string' && port.name) {
      const messages = portNameMessages(port.name);
      for (const detail of messages) {
        errors.push({ type: 'FieldValueInvalid', field: `${at}.name`, value: port.name, detail });
      }
      if (messages.length === 0 && names.has(port.name)) {
        errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: port.name });
      }
      names.add(port.name);
    }
    const containerPort = port.containerPort;
    if (!containerPort) errors.push({ type: 'FieldValueRequired', field: `${at}.containerPort` });
    else if (typeof containerPort === 'number' && (containerPort < 1 || containerPort > 65535)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.containerPort`,
        value: containerPort,
        detail: PORT_RANGE,
      });
    }
    const hostPort = port.hostPort;
    if (typeof hostPort === 'number' && hostPort !== 0 && (hostPort < 1 || hostPort > 65535)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.hostPort`,
        value: hostPort,
        detail: PORT_RANGE,
      });
    }
  });
  return errors;
}

function quantitiesOf(list: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isPlainObject(list)) return out;
  for (const [name, value] of Object.entries(list)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    try {
      out.set(name, parseQuantity(String(value)));
    } catch {
      // Malformed quantities are refused by the decoder before validation.
    }
  }
  return out;
}

/** Overcommit is allowed for native resources (no domain, or a kubernetes.io one) except huge pages. */
const overcommitAllowed = (name: string) =>
  (!name.includes('/') || name.includes('kubernetes.io/')) && !name.startsWith('hugepages-');

/** validateResourceRequirements for a container: names, signs, and requests against limits. */
function validateResources(resources: unknown, path: string): FieldError[] {
  if (!isPlainObject(resources)) return [];
  const errors: FieldError[] = [];
  const limits = quantitiesOf(resources.limits);
  const requests = quantitiesOf(resources.requests);
  const zero = parseQuantity('0');
  // ValidateResourceName, then validateContainerResourceName: a bare name must be a standard one.
  const checkName = (name: string, field: string) => {
    if (name.includes('/') || name.startsWith('hugepages-')) return;
    const invalidName = (detail: string) =>
      errors.push({ type: 'FieldValueInvalid', field, value: name, detail });
    if (!STANDARD_RESOURCES.has(name)) invalidName('must be a standard resource type or fully qualified');
    if (!STANDARD_CONTAINER_RESOURCES.has(name)) invalidName('must be a standard resource for containers');
  };
  /** A name's checks and the sign of its value, for `limits` or `requests`. */
  const checkEntry = (list: 'limits' | 'requests', name: string, q: Quantity) => {
    const field = `${path}.${list}[${name}]`;
    checkName(name, field);
    if (compareQuantities(q, zero) < 0) {
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: formatQuantity(q),
        detail: 'must be greater than or equal to 0',
      });
    }
  };
  for (const [name, q] of limits) checkEntry('limits', name, q);
  for (const [name, q] of requests) {
    checkEntry('requests', name, q);
    const limit = limits.get(name);
    if (limit) {
      const order = compareQuantities(q, limit);
      if (order !== 0 && !overcommitAllowed(name)) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `${path}.requests`,
          value: formatQuantity(q),
          detail: `must be equal to ${name} limit of ${formatQuantity(limit)}`,
        });
      } else if (order > 0) {
        errors.push({
          type: 'FieldValueInvalid',
          field: `${path}.requests`,
          value: formatQuantity(q),
          detail: `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`,
        });
      }
    } else if (!overcommitAllowed(name)) {
      errors.push({
        type: 'FieldValueRequired',
        field: `${path}.limits`,
        detail: 'Limit must be set for non overcommitable resources',
      });
    }
  }
  return errors;
}

/** validateContainerCommon: name, image, ports and resources of any kind of container. */
function validateContainer(c: Obj, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = c.name;
  if (typeof name !== 'string' || !name) errors.push({ type: 'FieldValueRequired', field: `${path}.name` });
  else {
    for (const detail of dns1123LabelMessages(name)) {
      errors.push({ type: 'FieldValueInvalid', field: `${path}.name`, value: name, detail });
    }
  }
  if (typeof c.image !== 'string' || !c.image)
    errors.push({ type: 'FieldValueRequired', field: `${path}.image` });
  errors.push(...validatePorts(c.ports, `${path}.ports`));
  errors.push(...validateResources(c.resources, `${path}.resources`));
  return errors;
}

/**
 * Container names are unique across containers, init containers and ephemeral containers; a clash is
 * reported on the later list (init against regular, ephemeral against both), as the real server does.
 */
function validateContainerLists(spec: Obj, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const containers = objects(spec.containers);
  if (containers.length === 0) return [{ type: 'FieldValueRequired', field: `${path}.containers` }];
  const regular = new Set<string>();
  containers.forEach((c, i) => {
    errors.push(...validateContainer(c, `${path}.containers[${i}]`));
    const name = String(c.name ?? '');
    if (regular.has(name)) {
      errors.push({ type: 'FieldValueDuplicate', field: `${path}.containers[${i}].name`, value: name });
    } else regular.add(name);
  });
  const all = new Set(regular);
  objects(spec.initContainers).forEach((c, i) => {
    errors.push(...validateContainer(c, `${path}.initContainers[${i}]`));
    const name = String(c.name ?? '');
    if (all.has(name)) {
      errors.push({ type: 'FieldValueDuplicate', field: `${path}.initContainers[${i}].name`, value: name });
    } else all.add(name);
  });
  objects(spec.ephemeralContainers).forEach((c, i) => {
    const name = String(c.name ?? '');
    if (all.has(name)) {
      errors.push({
        type: 'FieldValueDuplicate',
        field: `${path}.ephemeralContainers[${i}].name`,
        value: name,
      });
    } else all.add(name);
  });
  return errors;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateChoice(value: unknown, field: string, values: string[]): FieldError[] {
  if (value === undefined || value === '') return [{ type: 'FieldValueRequired', field }];
  return values.includes(value as string) ? [] : [supported(field, value, values)];
}

/** ValidatePodSpec, as far as the simulator checks it (after defaulting: policies are set). */
export function validatePodSpec(spec: unknown, path = 'spec'): FieldError[] {
  const s = isPlainObject(spec) ? spec : {};
  return [
    ...validateContainerLists(s, path),
    ...validateChoice(s.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES),
    ...validateChoice(s.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES),
  ];
}

/** Whether a quantity holds a whole number (MilliValue() % 1000 == 0 once rounded to milli). */
function isWhole(value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return true;
  try {
    const q = parseQuantity(String(value));
    return q.exponent >= 0 || q.mantissa % 10n ** BigInt(-q.exponent) === 0n;
  } catch {
    return true;
  }
}

const BYTE_RESOURCES = ['memory', 'ephemeral-storage'];

/**
 * The pod warnings the simulator reproduces (pkg/api/pod/warnings.go): fractional byte values of
 * memory and ephemeral-storage in the overhead and in every container's limits and requests.
 */
export function podSpecWarnings(spec: unknown, path = 'spec'): string[] {
  if (!isPlainObject(spec)) return [];
  const out: string[] = [];
  const fractional = (list: unknown, name: string, field: string) => {
    const value = isPlainObject(list) ? list[name] : undefined;
    if (value !== undefined && !isWhole(value)) {
      out.push(
        `${field}[${name}]: fractional byte value ${JSON.stringify(String(value))} is invalid, must be an integer`,
      );
    }
  };
  for (const name of BYTE_RESOURCES) fractional(spec.overhead, name, `${path}.overhead`);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    objects(spec[list]).forEach((c, i) => {
      const resources = isPlainObject(c.resources) ? c.resources : {};
      const at = `${path}.${list}[${i}].resources`;
      for (const name of BYTE_RESOURCES) {
        fractional(resources.limits, name, `${at}.limits`);
        fractional(resources.requests, name, `${at}.requests`);
      }
    });
  }
  return out;
}
