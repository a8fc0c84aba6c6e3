/**
 * The CloudNativePG `Cluster` CRD (postgresql.cnpg.io/v1), installed when the simulated cluster
 * starts so `clusters.postgresql.cnpg.io` is served from the first request, as on a cluster with the
 * operator installed. It is the operator's own CRD from its v1.30.0 release manifest
 * (../data/cnpg/README.md): the full schema with its defaults, enums, bounds and CEL rules. It is
 * installed as `kubectl apply --server-side` installs it (the documented way, manager `kubectl`), so
 * applying the release manifest server-side later takes it over without a conflict.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Api } from '../api/api.ts';
import { type KObject, type ManagedFieldsEntry, timestamp } from '../api/types.ts';
import { customresourcedefinitions } from './customresourcedefinitions.ts';

/** The CloudNativePG release the CRD comes from. */
export const CNPG_CRD_VERSION = 'v1.30.0';

/** kubectl's field manager for `apply --server-side`. */
const APPLY_MANAGER = 'kubectl';

export const CNPG_CLUSTER_CRD: KObject = JSON.parse(
  gunzipSync(
    readFileSync(new URL('../data/cnpg/clusters.postgresql.cnpg.io.json.gz', import.meta.url)),
  ).toString('utf8'),
);

let appliedFields: ManagedFieldsEntry['fieldsV1'] | undefined;

/**
 * Installs the Cluster CRD as a server-side apply by kubectl. The first install in a process goes
 * through server-side apply; later clusters reuse the field set it recorded, since computing it
 * for this 270 kB document is most of the work and its answer never changes.
 */
export function installCnpgClusterCrd(api: Api): void {
  const rt = api.resource(customresourcedefinitions.group, customresourcedefinitions.plural);
  const name = CNPG_CLUSTER_CRD.metadata.name!;
  const known = appliedFields;
  if (!known) {
    const { object } = api.patch(rt, undefined, name, 'application/apply-patch+yaml', CNPG_CLUSTER_CRD, {
      fieldManager: APPLY_MANAGER,
    });
    appliedFields = object.metadata.managedFields?.find((m) => m.manager === APPLY_MANAGER)?.fieldsV1;
    return;
  }
  const entry: ManagedFieldsEntry = {
    manager: APPLY_MANAGER,
    operation: 'Apply',
    apiVersion: 'apiextensions.k8s.io/v1',
    time: timestamp(api.now()),
    fieldsType: 'FieldsV1',
    fieldsV1: known,
  };
  api.create(rt, undefined, CNPG_CLUSTER_CRD, { fieldManager: APPLY_MANAGER, managedFields: () => [entry] });
}
