/**
 * The API side of namespace deletion: DELETE marks the namespace Terminating (the namespace
 * resource's delete hooks), PUT namespaces/{name}/finalize clears spec.finalizers so the namespace
 * goes, and the immortal namespaces refuse deletion (NamespaceLifecycle admission). Emptying the
 * namespace is the namespace controller's job.
 */
import type { Api, SubresourceHandler } from '../api/api.ts';
import { badRequest, conflict, forbidden, invalid, OPTIMISTIC_LOCK_MESSAGE } from '../api/errors.ts';
import { clone } from '../api/types.ts';

const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

const namespaceFinalize: SubresourceHandler = {
  update(api, rt, _namespace, name, body, ctx) {
    if (body?.metadata?.name && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const old = api.get(rt, undefined, name);
    const rv = body?.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) {
      throw conflict({ group: '', resource: 'namespaces' }, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    const finalizers = (body?.spec as { finalizers?: unknown } | undefined)?.finalizers ?? [];
    if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== 'string' || !f)) {
      throw invalid('Namespace', '', name, [
        {
          type: 'FieldValueInvalid',
          field: 'spec.finalizers',
          value: finalizers,
          detail: 'must be a list of finalizer names',
        },
      ]);
    }
    const next = clone(old);
    next.spec = { ...(next.spec as object), finalizers };
    return api.storeUpdate(rt, old, next, {
      fieldManager: ctx.fieldManager,
      dryRun: ctx.dryRun,
      wholeObject: true,
    });
  },
};

export function installNamespaceDeletion(api: Api): void {
  api.handleSubresource('', 'namespaces', 'finalize', namespaceFinalize);
  api.addAdmission((op, rt, obj) => {
    if (op !== 'delete' || rt.group !== '' || rt.plural !== 'namespaces') return;
    const name = obj.metadata.name!;
    if (IMMORTAL_NAMESPACES.includes(name)) {
      throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
    }
  });
}
