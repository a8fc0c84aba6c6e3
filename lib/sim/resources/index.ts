/** Every built-in resource the simulator serves, in discovery order, and the behaviour behind them. */
import type { Api } from '../api/api.ts';
import type { ResourceType } from '../api/resource.ts';
import { installBootstrapObjects } from './bootstrap-objects.ts';
import { clusterrolebindings } from './clusterrolebindings.ts';
import { clusterroles } from './clusterroles.ts';
import { installCnpgClusterCrd } from './cnpg-clusters.ts';
import { configmaps } from './configmaps.ts';
import { controllerrevisions } from './controllerrevisions.ts';
import { cronjobs } from './cronjobs.ts';
import { csidrivers } from './csidrivers.ts';
import { csinodes } from './csinodes.ts';
import { customresourcedefinitions, serveCustomResources } from './customresourcedefinitions.ts';
import { daemonsets } from './daemonsets.ts';
import { deployments } from './deployments.ts';
import { endpoints } from './endpoints.ts';
import { endpointslices } from './endpointslices.ts';
import { events, eventsV1 } from './events.ts';
import { horizontalpodautoscalers } from './horizontalpodautoscalers.ts';
import { ingresses } from './ingresses.ts';
import { jobs } from './jobs.ts';
import { installKubernetesService } from './kubernetes-service.ts';
import { leases } from './leases.ts';
import { limitranges } from './limitranges.ts';
import { installNamespaceDeletion } from './namespace-deletion.ts';
import { namespaces } from './namespaces.ts';
import { networkpolicies } from './networkpolicies.ts';
import { nodes } from './nodes.ts';
import { persistentvolumeclaims } from './persistentvolumeclaims.ts';
import { persistentvolumes } from './persistentvolumes.ts';
import { podBinding } from './pod-binding.ts';
import { podEviction } from './pod-eviction.ts';
import { podLog } from './pod-log.ts';
import { poddisruptionbudgets } from './poddisruptionbudgets.ts';
import { pods } from './pods.ts';
import { podtemplates } from './podtemplates.ts';
import { priorityclasses } from './priorityclasses.ts';
import { replicasets } from './replicasets.ts';
import { replicationcontrollers } from './replicationcontrollers.ts';
import { scaleSubresource } from './replicated.ts';
import { resourcequotas } from './resourcequotas.ts';
import { rolebindings } from './rolebindings.ts';
import { roles } from './roles.ts';
import { secrets } from './secrets.ts';
import { localsubjectaccessreviews } from './localsubjectaccessreviews.ts';
import { selfsubjectaccessreviews } from './selfsubjectaccessreviews.ts';
import { selfsubjectreviews } from './selfsubjectreviews.ts';
import { selfsubjectrulesreviews } from './selfsubjectrulesreviews.ts';
import { subjectaccessreviews } from './subjectaccessreviews.ts';
import { serviceAccountToken } from './serviceaccount-token.ts';
import { serviceaccounts } from './serviceaccounts.ts';
import { services } from './services.ts';
import { statefulsets } from './statefulsets.ts';
import { storageclasses } from './storageclasses.ts';
import { mutatingwebhookconfigurations, validatingwebhookconfigurations } from './webhooks.ts';
import { volumeattachments } from './volumeattachments.ts';

export const BUILT_IN_RESOURCES: ResourceType[] = [
  namespaces,
  nodes,
  pods,
  podtemplates,
  replicationcontrollers,
  configmaps,
  events,
  persistentvolumeclaims,
  persistentvolumes,
  services,
  endpoints,
  secrets,
  serviceaccounts,
  resourcequotas,
  limitranges,
  daemonsets,
  deployments,
  replicasets,
  statefulsets,
  controllerrevisions,
  jobs,
  cronjobs,
  horizontalpodautoscalers,
  poddisruptionbudgets,
  storageclasses,
  csidrivers,
  csinodes,
  volumeattachments,
  leases,
  eventsV1,
  customresourcedefinitions,
  roles,
  clusterroles,
  rolebindings,
  clusterrolebindings,
  selfsubjectaccessreviews,
  selfsubjectrulesreviews,
  subjectaccessreviews,
  localsubjectaccessreviews,
  selfsubjectreviews,
  mutatingwebhookconfigurations,
  validatingwebhookconfigurations,
  endpointslices,
  priorityclasses,
  networkpolicies,
  ingresses,
];

/**
 * Installs what the resource declarations alone cannot express: subresource handlers (binding,
 * eviction, namespace finalize), namespace deletion admission, CRD serving, and the CloudNativePG
 * Cluster CRD. Call once, after the built-in resources are registered and before serving requests.
 */
export function installResourceBehaviour(api: Api): void {
  api.handleSubresource('', 'pods', 'binding', podBinding);
  api.handleSubresource('', 'pods', 'eviction', podEviction);
  api.handleSubresource('', 'pods', 'log', podLog);
  api.handleSubresource('', 'serviceaccounts', 'token', serviceAccountToken);
  for (const plural of ['deployments', 'replicasets', 'statefulsets'])
    api.handleSubresource('apps', plural, 'scale', scaleSubresource);
  installNamespaceDeletion(api);
  installKubernetesService(api);
  installBootstrapObjects(api);
  serveCustomResources(api);
  installCnpgClusterCrd(api);
}
