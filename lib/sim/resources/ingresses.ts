import type { FieldError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, str } from './shape.ts';

interface IngressShape {
  spec?: {
    ingressClassName?: string;
    rules?: { host?: string; http?: { paths?: { pathType?: string }[] } }[];
    tls?: unknown[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

const ing = (o: KObject) => o as unknown as IngressShape;

function hosts(o: KObject): string {
  const list = (ing(o).spec?.rules ?? []).map((r) => r.host || '*');
  if (list.length === 0) return '*';
  return list.length > 4 ? `${list.slice(0, 4).join(',')} + ${list.length - 4} more...` : list.join(',');
}

function address(o: KObject): string {
  return (ing(o).status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').join(',');
}

/** Stored and listed; no ingress controller serves them. */
export const ingresses: ResourceType = builtIn(
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    singular: 'ingress',
    namespaced: true,
    shortNames: ['ing'],
    hasStatus: true,
    validate(o) {
      const errors: FieldError[] = [];
      (ing(o).spec?.rules ?? []).forEach((rule, r) => {
        (rule.http?.paths ?? []).forEach((path, p) => {
          const field = `spec.rules[${r}].http.paths[${p}].pathType`;
          if (path.pathType === undefined) {
            errors.push({ type: 'FieldValueRequired', field, detail: 'pathType must be specified' });
          } else if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(path.pathType)) {
            errors.push({
              type: 'FieldValueNotSupported',
              field,
              value: path.pathType,
              detail: 'supported values: "Exact", "ImplementationSpecific", "Prefix"',
            });
          }
        });
      });
      return errors;
    },
    columns: [
      { name: 'Class', type: 'string', cell: (o) => ing(o).spec?.ingressClassName ?? '<none>' },
      { name: 'Hosts', type: 'string', cell: hosts },
      { name: 'Address', type: 'string', cell: address },
      { name: 'Ports', type: 'string', cell: (o) => (ing(o).spec?.tls?.length ? '80, 443' : '80') },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  {
    spec: obj({ ingressClassName: str, rules: arr(obj({ host: str, http: obj() })), tls: arr(obj()) }),
    status: obj({ loadBalancer: obj({ ingress: arr(obj({ ip: str, hostname: str })) }) }),
  },
);
