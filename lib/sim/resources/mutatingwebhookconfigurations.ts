import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, str } from './shape.ts';
import { defaultWebhooks } from './webhooks.ts';

/** Stored and listed as the real server does; the simulator never calls the webhooks. */
export const mutatingwebhookconfigurations: ResourceType = builtIn(
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    singular: 'mutatingwebhookconfiguration',
    namespaced: false,
    categories: ['api-extensions'],
    prepareForCreate: (o) => defaultWebhooks(o, true),
    prepareForUpdate: (o) => defaultWebhooks(o, true),
    columns: [
      {
        name: 'Webhooks',
        type: 'integer',
        cell: (o) => ((o.webhooks as unknown[] | undefined) ?? []).length,
      },
      { name: 'Age', type: 'string', cell: age },
    ],
  },
  { webhooks: arr(obj({ name: str, clientConfig: obj(), rules: arr(obj()) })) },
);
