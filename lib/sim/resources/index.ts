/** Every built-in resource the simulator serves, in discovery order, and the behaviour behind them. */
import type { Api } from '../api/api.ts';
import type { ResourceType } from '../api/resource.ts';
import { CNPG_CLUSTER_CRD } from './cnpg-clusters.ts';
import { configmaps } from './configmaps.ts';
import { csidrivers } from './csidrivers.ts';
import { csinodes } from './csinodes.ts';
import { customresourcedefinitions, serveCustomResources } from './customresourcedefinitions.ts';
import { daemonsets } from './daemonsets.ts';
import { endpoints } from './endpoints.ts';
import { events, eventsV1 } from './events.ts';
import { jobs } from './jobs.ts';
import { leases } from './leases.ts';
import { installNamespaceDeletion } from './namespace-deletion.ts';
import { namespaces } from './namespaces.ts';
import { nodes } from './nodes.ts';
import { persistentvolumeclaims } from './persistentvolumeclaims.ts';
import { persistentvolumes } from './persistentvolumes.ts';
import { podBinding } from './pod-binding.ts';
import { podEviction } from './pod-eviction.ts';
import { poddisruptionbudgets } from './poddisruptionbudgets.ts';
import { pods } from './pods.ts';
import { secrets } from './secrets.ts';
import { serviceaccounts } from './serviceaccounts.ts';
import { services } from './services.ts';
import { storageclasses } from './storageclasses.ts';
import { volumeattachments } from './volumeattachments.ts';

export const BUILT_IN_RESOURCES: ResourceType[] = [
  namespaces,
  nodes,
  pods,
  configmaps,
  events,
  persistentvolumeclaims,
  persistentvolumes,
  services,
  endpoints,
  secrets,
  serviceaccounts,
  daemonsets,
  jobs,
  poddisruptionbudgets,
  storageclasses,
  csidrivers,
  csinodes,
  volumeattachments,
  leases,
  eventsV1,
  customresourcedefinitions,
];

/**
 * Installs what the resource declarations alone cannot express: subresource handlers (binding,
 * eviction, namespace finalize), namespace deletion admission, CRD serving, and the CloudNativePG
 * Cluster CRD. Call once, after the built-in resources are registered and before serving requests.
 */
export function installResourceBehaviour(api: Api): void {
  api.handleSubresource('', 'pods', 'binding', podBinding);
  api.handleSubresource('', 'pods', 'eviction', podEviction);
  installNamespaceDeletion(api);
  serveCustomResources(api);
  api.create(
    api.resource(customresourcedefinitions.group, customresourcedefinitions.plural),
    undefined,
    CNPG_CLUSTER_CRD,
  );
}
