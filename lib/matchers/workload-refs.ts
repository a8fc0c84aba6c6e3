/** References to workloads and events: what the workload matchers and eventuallyEvents observe. */
import type { V1Deployment, V1Job, V1StatefulSet } from '@kubernetes/client-node';
import { type ResourceKind, resourceKind } from '../observe/index.ts';
import { type ObjectRef, objectRef } from './refs.ts';

export const DEPLOYMENTS: ResourceKind = resourceKind('apps/v1', 'Deployment', 'deployments');
export const STATEFULSETS: ResourceKind = resourceKind('apps/v1', 'StatefulSet', 'statefulsets');
export const JOBS: ResourceKind = resourceKind('batch/v1', 'Job', 'jobs');
export const EVENTS: ResourceKind = resourceKind('v1', 'Event', 'events');

export const deploymentRef = (namespace: string, name: string): ObjectRef<V1Deployment> =>
  objectRef<V1Deployment>(DEPLOYMENTS, namespace, name);
export const statefulSetRef = (namespace: string, name: string): ObjectRef<V1StatefulSet> =>
  objectRef<V1StatefulSet>(STATEFULSETS, namespace, name);
export const jobRef = (namespace: string, name: string): ObjectRef<V1Job> =>
  objectRef<V1Job>(JOBS, namespace, name);
