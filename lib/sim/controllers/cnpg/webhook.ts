/**
 * Admission for Clusters: the CRD schema's type and minimum checks, then the operator's webhooks
 * (mcluster.cnpg.io writes the defaults into the spec, vcluster.cnpg.io refuses invalid specs with
 * the API server's "denied the request" message).
 */
import type { Api } from '../../api/api.ts';
import { invalid, StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { schemaErrors, webhookErrors, withDefaults } from './defaults.ts';
import { CNPG_GROUP } from './naming.ts';
import type { ClusterSpec } from './types.ts';
import { nameChecks, parameterChecks, syncReplicaChecks } from './webhook-checks.ts';

/**
 * Installs the checks of the Cluster CRD's schema (always: the API server applies them) and, with
 * `webhooks`, the operator's mutating and validating webhooks.
 */
export function installClusterAdmission(api: Api, webhooks: boolean): void {
  api.addAdmission((op, rt, obj, old) => {
    if (rt.group !== CNPG_GROUP || rt.plural !== 'clusters' || op === 'delete') return;
    // Status and metadata writes leave the spec alone; only spec changes are checked.
    if (op === 'update' && JSON.stringify(obj.spec) === JSON.stringify(old?.spec)) return;
    const name = obj.metadata.name ?? '';
    const schema = schemaErrors(obj.spec);
    if (schema.length > 0) throw invalid('Cluster', CNPG_GROUP, name, schema);
    if (!webhooks) return;
    const spec = obj.spec as ClusterSpec;
    // In the webhook's order: sync replicas, storage, name, configuration.
    const errors = [
      ...syncReplicaChecks(spec),
      ...webhookErrors(spec, old?.spec as ClusterSpec | undefined),
      ...nameChecks(name),
      ...parameterChecks(spec),
    ];
    if (errors.length > 0) {
      // ValidateUpdate names the group "cluster.cnpg.io" (so does CloudNativePG v1.30.0's webhook).
      const inner = invalid('Cluster', op === 'update' ? 'cluster.cnpg.io' : CNPG_GROUP, name, errors);
      throw new StatusError(
        inner.code,
        inner.reason,
        `admission webhook "vcluster.cnpg.io" denied the request: ${inner.message}`,
        inner.details,
      );
    }
    (obj as KObject).spec = withDefaults(spec);
  });
}
