import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { map, obj } from './shape.ts';

interface QuotaShape {
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** `pods: 1/10, requests.cpu: 0/2` for requests (or limits), as `kubectl get quota` prints. */
function usage(limits: boolean) {
  return (o: KObject): string => {
    const { hard = {}, used = {} } = (o as unknown as QuotaShape).status ?? {};
    return Object.keys(hard)
      .filter((k) => k.startsWith('limits.') === limits)
      .sort()
      .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
      .join(', ');
  };
}

/** Stored and listed; no quota is enforced by the simulator. */
export const resourcequotas: ResourceType = builtIn(
  {
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    singular: 'resourcequota',
    namespaced: true,
    hasGeneration: false,
    returnDeletedObject: true,
    shortNames: ['quota'],
    hasStatus: true,
    columns: [
      { name: 'Age', type: 'string', cell: age },
      { name: 'Request', type: 'string', cell: usage(false) },
      { name: 'Limit', type: 'string', cell: usage(true) },
    ],
  },
  { spec: obj({ hard: map() }), status: obj({ hard: map(), used: map() }) },
);
