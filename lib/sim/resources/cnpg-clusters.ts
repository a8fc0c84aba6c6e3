/**
 * The CloudNativePG `Cluster` CRD (postgresql.cnpg.io/v1), installed when the simulated cluster
 * starts so `clusters.postgresql.cnpg.io` is served from the first request, as on a cluster with the
 * operator installed. Identity, subresources and printer columns follow the operator's CRD
 * (config/crd/bases/postgresql.cnpg.io_clusters.yaml); the schema keeps the
 * top level and the few spec fields whose validation users meet (instances ≥ 1, update enums).
 */
import type { KObject } from '../api/types.ts';

const preserve = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

export const CNPG_CLUSTER_CRD: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'clusters.postgresql.cnpg.io' },
  spec: {
    group: 'postgresql.cnpg.io',
    names: { kind: 'Cluster', listKind: 'ClusterList', plural: 'clusters', singular: 'cluster' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          {
            name: 'Instances',
            type: 'integer',
            description: 'Number of instances',
            jsonPath: '.status.instances',
          },
          {
            name: 'Ready',
            type: 'integer',
            description: 'Number of ready instances',
            jsonPath: '.status.readyInstances',
          },
          {
            name: 'Status',
            type: 'string',
            description: 'Cluster current status',
            jsonPath: '.status.phase',
          },
          { name: 'Primary', type: 'string', description: 'Primary pod', jsonPath: '.status.currentPrimary' },
        ],
        schema: {
          openAPIV3Schema: {
            description:
              'Cluster defines the API schema for a highly available PostgreSQL database cluster managed by CloudNativePG.',
            type: 'object',
            required: ['metadata', 'spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                ...preserve,
                properties: {
                  instances: {
                    type: 'integer',
                    minimum: 1,
                    default: 1,
                    description: 'Number of instances required in the cluster',
                  },
                  primaryUpdateStrategy: { type: 'string', enum: ['unsupervised', 'supervised'] },
                  primaryUpdateMethod: { type: 'string', enum: ['switchover', 'restart'] },
                  enablePDB: { type: 'boolean' },
                },
              },
              status: preserve,
            },
          },
        },
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.instances',
            statusReplicasPath: '.status.instances',
            labelSelectorPath: '.status.selector',
          },
        },
      },
    ],
  },
};
