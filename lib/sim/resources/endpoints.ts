import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, int, obj, str, type Shape } from './shape.ts';

interface Subset {
  addresses?: { ip?: string }[];
  ports?: { port?: number }[];
}

/** `10.244.1.5:5432,10.244.2.3:5432 + 1 more...`, as the real printer shortens it. */
function endpointsText(o: KObject): string {
  const list: string[] = [];
  for (const subset of (o.subsets as Subset[] | undefined) ?? []) {
    for (const a of subset.addresses ?? []) {
      const ports = subset.ports ?? [];
      if (ports.length === 0) list.push(a.ip ?? '');
      for (const p of ports) list.push(`${a.ip}:${p.port}`);
    }
  }
  if (list.length === 0) return '<none>';
  const shown = list.slice(0, 3).join(',');
  return list.length > 3 ? `${shown} + ${list.length - 3} more...` : shown;
}

/** The fields this kind's hooks and printers read, with their JSON types. */
const SHAPE: Record<string, Shape> = {
  subsets: arr(obj({ addresses: arr(obj({ ip: str })), ports: arr(obj({ port: int })) })),
};

export const endpoints: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    hasGeneration: false,
    deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
    shortNames: ['ep'],
    columns: [
      { name: 'Endpoints', type: 'string', cell: endpointsText },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  SHAPE,
);
