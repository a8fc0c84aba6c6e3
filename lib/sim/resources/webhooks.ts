/**
 * The two webhook configuration kinds of admissionregistration.k8s.io/v1, stored and listed as the
 * real server does (the simulator never calls the webhooks), with the defaults of each webhook.
 */
import type { ResourceType } from '../api/resource.ts';
import { isPlainObject, type KObject } from '../api/types.ts';
import { age, builtIn } from './define.ts';
import { arr, obj, str } from './shape.ts';

type Obj = Record<string, unknown>;

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook, Rule and ServiceReference, on every write. */
export function defaultWebhooks(o: KObject, mutating: boolean): void {
  if (!Array.isArray(o.webhooks)) return;
  for (const hook of o.webhooks.filter(isPlainObject) as Obj[]) {
    hook.failurePolicy ??= 'Fail';
    hook.matchPolicy ??= 'Equivalent';
    if (!isPlainObject(hook.namespaceSelector)) hook.namespaceSelector = {};
    if (!isPlainObject(hook.objectSelector)) hook.objectSelector = {};
    hook.timeoutSeconds ??= 10;
    if (mutating) hook.reinvocationPolicy ??= 'Never';
    for (const rule of (Array.isArray(hook.rules) ? hook.rules : []).filter(isPlainObject) as Obj[]) {
      rule.scope ??= '*';
    }
    const service = isPlainObject(hook.clientConfig) ? hook.clientConfig.service : undefined;
    if (isPlainObject(service)) service.port ??= 443;
  }
}

function webhookConfigurations(kind: 'Mutating' | 'Validating'): ResourceType {
  const mutating = kind === 'Mutating';
  const singular = `${kind.toLowerCase()}webhookconfiguration`;
  return builtIn(
    {
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      kind: `${kind}WebhookConfiguration`,
      plural: `${singular}s`,
      singular,
      namespaced: false,
      categories: ['api-extensions'],
      prepareForCreate: (o) => defaultWebhooks(o, mutating),
      prepareForUpdate: (o) => defaultWebhooks(o, mutating),
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
}

export const mutatingwebhookconfigurations = webhookConfigurations('Mutating');
export const validatingwebhookconfigurations = webhookConfigurations('Validating');
