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
import type { KObject } from '../api/types.ts';
import { customresourcedefinitions } from './customresourcedefinitions.ts';

/** The CloudNativePG release the CRD comes from. */
export const CNPG_CRD_VERSION = 'v1.30.0';

export const CNPG_CLUSTER_CRD: KObject = JSON.parse(
  gunzipSync(
    readFileSync(new URL('../data/cnpg/clusters.postgresql.cnpg.io.json.gz', import.meta.url)),
  ).toString('utf8'),
);

/** Installs the Cluster CRD as a server-side apply by kubectl. */
export function installCnpgClusterCrd(api: Api): void {
  const rt = api.resource(customresourcedefinitions.group, customresourcedefinitions.plural);
  api.patch(
    rt,
    undefined,
    CNPG_CLUSTER_CRD.metadata.name!,
    'application/apply-patch+yaml',
    CNPG_CLUSTER_CRD,
    {
      fieldManager: 'kubectl',
    },
  );
}
