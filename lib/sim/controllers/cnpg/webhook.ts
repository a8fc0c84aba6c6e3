/**
 * The operator's admission webhooks: mcluster.cnpg.io writes the defaults into a Cluster's spec,
 * vcluster.cnpg.io refuses invalid specs with the API server's "denied the request" message.
 */
import type { Api } from '../../api/api.ts';
import { invalid, StatusError } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { validateClusterSpec, withDefaults } from './defaults.ts';
import { CNPG_GROUP } from './naming.ts';
import type { ClusterSpec } from './types.ts';

export function installClusterWebhooks(api: Api): void {
  api.addAdmission((op, rt, obj, old) => {
    if (rt.group !== CNPG_GROUP || rt.plural !== 'clusters' || op === 'delete') return;
    // Status and metadata writes leave the spec alone; the webhooks only look at spec changes.
    if (op === 'update' && JSON.stringify(obj.spec) === JSON.stringify(old?.spec)) return;
    const spec = obj.spec as ClusterSpec | undefined;
    const errors = validateClusterSpec(spec, old?.spec as ClusterSpec | undefined);
    if (errors.length > 0) {
      const inner = invalid('Cluster', CNPG_GROUP, obj.metadata.name ?? '', errors);
      throw new StatusError(
        inner.code,
        inner.reason,
        `admission webhook "vcluster.cnpg.io" denied the request: ${inner.message}`,
        inner.details,
      );
    }
    (obj as KObject).spec = withDefaults(spec!);
  });
}
