/**
 * The ConfigMap that marks this cluster as a test cluster: kubexpect's target guard lets drain,
 * cordon, taints and evictions run only where it finds it (or on kind, or where the user says so).
 * The simulator creates it at boot; kubexpect's real control plane creates the same one.
 */
import type { KObject } from './api/types.ts';

export function testClusterMarker(): KObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kubexpect-test-cluster', namespace: 'kube-public' },
    data: { 'created-by': 'the kubexpect embedded cluster (lib/sim) at boot: a simulated test cluster' },
  };
}
