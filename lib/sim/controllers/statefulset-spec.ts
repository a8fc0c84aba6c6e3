/** What the StatefulSet controller's parts share: the spec's shape, pod ordinals, claim names, pod states. */
import type { KObject } from '../api/types.ts';
import { isPodReady, type PodSpec, podStatus } from './kube-types.ts';

export const SOURCE = { component: 'statefulset-controller' };
export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

export interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

export interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  minReadySeconds?: number;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  revisionHistoryLimit?: number;
  ordinals?: { start?: number };
  selector?: { matchLabels?: Record<string, string> };
  template?: Template;
  volumeClaimTemplates?: ClaimTemplate[];
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
  persistentVolumeClaimRetentionPolicy?: {
    whenDeleted?: 'Retain' | 'Delete';
    whenScaled?: 'Retain' | 'Delete';
  };
}

export const spec = (set: KObject) => (set.spec ?? {}) as StatefulSetSpec;

/** A pod's ordinal from its name, or undefined when the name is not `<set>-<n>`. */
export function ordinalOf(set: KObject, pod: KObject): number | undefined {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(template: ClaimTemplate, set: KObject, ordinal: number): string {
  return `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;
}

export const isFailed = (pod: KObject) =>
  podStatus(pod).phase === 'Failed' || podStatus(pod).phase === 'Succeeded';
export const isRunningAndReady = (pod: KObject) => podStatus(pod).phase === 'Running' && isPodReady(pod);
export const isTerminating = (pod: KObject) => !!pod.metadata.deletionTimestamp;
