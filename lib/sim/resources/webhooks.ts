/** What the two webhook configuration kinds share: the admissionregistration/v1 defaults of each webhook. */
import { isPlainObject, type KObject } from '../api/types.ts';

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
