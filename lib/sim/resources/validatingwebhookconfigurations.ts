import type { ResourceType } from '../api/resource.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, str } from './shape.ts';
import { defaultWebhooks } from './webhooks.ts';

/** Stored and listed as the real server does; the simulator never calls the webhooks. */
export const validatingwebhookconfigurations: ResourceType = builtIn(
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    singular: 'validatingwebhookconfiguration',
    namespaced: false,
    categories: ['api-extensions'],
    prepareForCreate: (o) => defaultWebhooks(o, false),
    prepareForUpdate: (o) => defaultWebhooks(o, false),
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
