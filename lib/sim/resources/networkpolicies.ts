import type { ResourceType } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { labelSelectorText } from './format.ts';
import { arr, obj, str } from './shape.ts';

/** policyTypes defaults to Ingress, plus Egress when egress rules are given (SetDefaults_NetworkPolicySpec). */
function defaults(o: KObject): void {
  const spec = (o.spec ?? {}) as { policyTypes?: string[]; egress?: unknown[] };
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  o.spec = spec;
}

/** Stored and listed; the simulator has no network to police. */
export const networkpolicies: ResourceType = builtIn(
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    namespaced: true,
    shortNames: ['netpol'],
    prepareForCreate: defaults,
    prepareForUpdate: (o) => defaults(o),
    columns: [
      {
        name: 'Pod-Selector',
        type: 'string',
        cell: (o) => {
          const text = labelSelectorText((o.spec as { podSelector?: unknown } | undefined)?.podSelector);
          return text === '<none>' ? '<none>' : text;
        },
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  { spec: obj({ podSelector: obj(), policyTypes: arr(str), ingress: arr(obj()), egress: arr(obj()) }) },
);
