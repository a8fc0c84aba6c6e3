import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, int, obj, str } from './shape.ts';

interface SliceShape {
  addressType?: string;
  ports?: { port?: number }[] | null;
  endpoints?: { addresses?: string[] }[];
}

const slice = (o: KObject) => o as unknown as SliceShape;

/** `10.244.1.5,10.244.2.3 + 1 more...`, as kubectl prints at most three endpoint addresses. */
function endpointsText(o: KObject): string {
  const addresses = (slice(o).endpoints ?? []).flatMap((e) => e.addresses ?? []);
  if (addresses.length === 0) return '<none>';
  const shown = addresses.slice(0, 3).join(',');
  return addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown;
}

function portsText(o: KObject): string {
  const ports = slice(o).ports;
  if (!ports) return '<unset>';
  if (ports.length === 0) return '<unset>';
  return ports.map((p) => String(p.port ?? '')).join(',');
}

/** discovery.k8s.io/v1 EndpointSlices; the endpoints controller keeps one per Service with its Endpoints. */
export const endpointslices: ResourceType = builtIn(
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    singular: 'endpointslice',
    namespaced: true,
    validate(o) {
      const type = slice(o).addressType;
      if (type === undefined) return [{ type: 'FieldValueRequired', field: 'addressType' }];
      if (!['IPv4', 'IPv6', 'FQDN'].includes(type)) {
        return [
          {
            type: 'FieldValueNotSupported',
            field: 'addressType',
            value: type,
            detail: 'supported values: "FQDN", "IPv4", "IPv6"',
          },
        ];
      }
      return [];
    },
    columns: [
      { name: 'AddressType', type: 'string', cell: (o) => slice(o).addressType ?? '' },
      { name: 'Ports', type: 'string', cell: portsText },
      { name: 'Endpoints', type: 'string', cell: endpointsText },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  {
    addressType: str,
    ports: arr(obj({ name: str, port: int, protocol: str })),
    endpoints: arr(obj({ addresses: arr(str), conditions: obj(), nodeName: str, targetRef: obj() })),
  },
);
