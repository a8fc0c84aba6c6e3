/**
 * The `default/kubernetes` Service every cluster has: ClusterIP 10.96.0.1 (the first address of
 * the service CIDR), port 443 to the API server's 6443, and its Endpoints and EndpointSlice, which the API
 * server itself keeps on a real cluster (here the simulator's loopback address).
 */
import type { Api } from '../api/api.ts';

export function installKubernetesService(api: Api): void {
  api.create(api.resource('', 'services'), 'default', {
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
    },
  });
  api.create(api.resource('', 'endpoints'), 'default', {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  });
  api.create(api.resource('discovery.k8s.io', 'endpointslices'), 'default', {
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  });
}
