import type { FieldError } from '../api/errors.ts';
import type { ResourceType, StrategyContext } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn, fieldAt } from './define.ts';
import { labelsText } from './format.ts';
import { arr, int, intOrString, map, obj, str, type Shape } from './shape.ts';

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

interface ServiceShape {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

const svc = (o: KObject) => o as unknown as ServiceShape;

/**
 * A cluster IP from the default service CIDR 10.96.0.0/12, drawn from the cluster's seeded random
 * source; the first ten addresses stay reserved as on kind (10.96.0.1 API server, 10.96.0.10 DNS).
 */
function allocateClusterIP(ctx: StrategyContext): string {
  const offset = 11 + Math.floor(ctx.random() * (2 ** 20 - 12));
  const n = (10 << 24) + (96 << 16) + offset;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function allocateNodePort(ctx: StrategyContext): number {
  return 30000 + Math.floor(ctx.random() * 2768);
}

function externalIPText(o: KObject): string {
  const s = svc(o).spec;
  const external = s?.externalIPs ?? [];
  switch (s?.type ?? 'ClusterIP') {
    case 'LoadBalancer': {
      const ingress = (svc(o).status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '');
      const all = [...ingress, ...external].filter((x) => x);
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s?.externalName ?? '';
    default:
      return external.length ? external.join(',') : '<none>';
  }
}

function portsText(o: KObject): string {
  const ports = svc(o).spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`,
    )
    .join(',');
}

/**
 * API defaults and allocations, on every write as the real defaulters run on every decode. An update
 * that leaves the cluster IP or node ports out keeps the allocated ones, as `kubectl apply` expects.
 */
function defaults(obj: KObject, old: KObject | undefined, ctx: StrategyContext): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown> & NonNullable<ServiceShape['spec']>;
  const before = old ? svc(old).spec : undefined;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    spec.clusterIP ??= spec.clusterIPs?.[0] ?? before?.clusterIP ?? allocateClusterIP(ctx);
    spec.clusterIPs = [spec.clusterIP];
    // A headless service without a selector may list endpoints of both families (the real
    // allocator's RequireDualStack); every other one gets the single-stack cluster's family.
    const dual = spec.clusterIP === 'None' && spec.selector === undefined;
    spec.ipFamilies ??= dual ? ['IPv4', 'IPv6'] : ['IPv4'];
    spec.ipFamilyPolicy ??= dual ? 'RequireDualStack' : 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !p.nodePort) {
      p.nodePort = before?.ports?.find((q) => q.port === p.port)?.nodePort ?? allocateNodePort(ctx);
    }
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  obj.spec = spec;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  spec: obj({
    type: str,
    clusterIP: str,
    clusterIPs: arr(str),
    externalIPs: arr(str),
    externalName: str,
    selector: map(),
    ports: arr(obj({ name: str, port: int, protocol: str, targetPort: intOrString, nodePort: int })),
  }),
  status: obj({ loadBalancer: obj({ ingress: arr(obj({ ip: str, hostname: str })) }) }),
};

export const services: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    hasGeneration: false,
    returnDeletedObject: true,
    shortNames: ['svc'],
    categories: ['all'],
    hasStatus: true,
    // Service names become DNS labels, so they must start with a letter (DNS-1035).
    nameRule: 'dns1035',
    fields: { 'spec.clusterIP': fieldAt('spec.clusterIP'), 'spec.type': fieldAt('spec.type') },
    prepareForCreate(obj, ctx) {
      defaults(obj, undefined, ctx);
      obj.status = { loadBalancer: {} };
    },
    prepareForUpdate: (obj, old, ctx) => defaults(obj, old, ctx),
    validate(obj, old) {
      const s = svc(obj).spec;
      const errors: FieldError[] = [];
      const type = s?.type ?? 'ClusterIP';
      const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
      if (!types.includes(type)) {
        errors.push({
          type: 'FieldValueNotSupported',
          field: 'spec.type',
          value: type,
          detail: `supported values: ${types.map((t) => JSON.stringify(t)).join(', ')}`,
        });
      }
      if (type !== 'ExternalName' && s?.clusterIP !== 'None' && (s?.ports ?? []).length === 0) {
        errors.push({ type: 'FieldValueRequired', field: 'spec.ports' });
      }
      (s?.ports ?? []).forEach((p, i) => {
        if (!Number.isInteger(p.port) || (p.port as number) < 1 || (p.port as number) > 65535) {
          errors.push({
            type: 'FieldValueInvalid',
            field: `spec.ports[${i}].port`,
            value: p.port ?? 0,
            detail: 'must be between 1 and 65535, inclusive',
          });
        }
        if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) {
          errors.push({
            type: 'FieldValueInvalid',
            field: `spec.ports[${i}].targetPort`,
            value: p.targetPort,
            detail: 'must be between 1 and 65535, inclusive',
          });
        }
        if ((s?.ports ?? []).length > 1 && !p.name) {
          errors.push({ type: 'FieldValueRequired', field: `spec.ports[${i}].name` });
        }
      });
      const before = old ? svc(old).spec?.clusterIP : undefined;
      if (old && before && s?.clusterIP !== before && type !== 'ExternalName') {
        errors.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs[0]',
          value: s?.clusterIP ?? '',
          detail: 'may not change once set',
        });
      }
      return errors;
    },
    columns: [
      { name: 'Type', type: 'string', cell: (o) => svc(o).spec?.type ?? 'ClusterIP' },
      { name: 'Cluster-IP', type: 'string', cell: (o) => svc(o).spec?.clusterIP || '<none>' },
      { name: 'External-IP', type: 'string', cell: externalIPText },
      { name: 'Port(s)', type: 'string', cell: portsText },
      { name: 'Age', type: 'string', cell: age },
      { name: 'Selector', type: 'string', priority: 1, cell: (o) => labelsText(svc(o).spec?.selector) },
    ],
  },
  SHAPE,
);
