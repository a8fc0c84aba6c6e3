/**
 * Instance pods `<cluster>-<serial>` as pkg/specs/pods.go builds them: labels (no role label at
 * creation), annotations, the `postgres` container with the instance manager's probes, the PGDATA
 * and WAL volumes from the instance's PVCs, the generated anti-affinity, and a controller
 * ownerReference to the Cluster. Job pods share the scheduling parts (see ./jobs.ts).
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/types.ts';
import {
  ANNOTATION,
  commonLabels,
  DEFAULT_IMAGE,
  instanceName,
  LABEL,
  OPERATOR_IMAGE,
  walPvcName,
} from './naming.ts';
import type { Pass } from './pass.ts';
import { controllerRef } from './state.ts';

const PG_DATA_MOUNT = '/var/lib/postgresql/data';
const PG_WAL_MOUNT = '/var/lib/postgresql/wal';

/** The PostgreSQL major version of an image tag such as `18.4-system-trixie`. */
function pgMajorOf(image: string): string {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  return /^([0-9]+)/.exec(tag)?.[1] ?? '18';
}

/** Affinity as CreateGeneratedAntiAffinity plus the user's additions builds it. */
function buildAffinity(pass: Pass): Record<string, unknown> | undefined {
  const a = pass.spec.affinity ?? {};
  const affinity: Record<string, unknown> = {};
  if (a.nodeAffinity) affinity.nodeAffinity = a.nodeAffinity;
  if (a.additionalPodAffinity) affinity.podAffinity = a.additionalPodAffinity;
  const required = [...(a.additionalPodAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])];
  const preferred = [...(a.additionalPodAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])];
  if (a.enablePodAntiAffinity !== false) {
    const term = {
      labelSelector: {
        matchExpressions: [
          { key: LABEL.cluster, operator: 'In', values: [pass.name] },
          { key: LABEL.podRole, operator: 'In', values: ['instance'] },
        ],
      },
      topologyKey: a.topologyKey || 'kubernetes.io/hostname',
    };
    if (a.podAntiAffinityType === 'required') required.unshift(term);
    else preferred.unshift({ weight: 100, podAffinityTerm: term });
  }
  if (required.length || preferred.length) {
    const anti: Record<string, unknown> = {};
    if (required.length) anti.requiredDuringSchedulingIgnoredDuringExecution = required;
    if (preferred.length) anti.preferredDuringSchedulingIgnoredDuringExecution = preferred;
    affinity.podAntiAffinity = anti;
  }
  return Object.keys(affinity).length ? affinity : undefined;
}

/** pgdata (and pg-wal) volumes from the instance's PVCs. */
export function pvcVolumes(pass: Pass, instance: string): Record<string, unknown>[] {
  const volumes: Record<string, unknown>[] = [
    { name: 'pgdata', persistentVolumeClaim: { claimName: instance } },
  ];
  if (pass.spec.walStorage) {
    volumes.push({ name: 'pg-wal', persistentVolumeClaim: { claimName: walPvcName(instance) } });
  }
  return volumes;
}

export function pvcMounts(pass: Pass): Record<string, unknown>[] {
  const mounts: Record<string, unknown>[] = [{ name: 'pgdata', mountPath: PG_DATA_MOUNT }];
  if (pass.spec.walStorage) mounts.push({ name: 'pg-wal', mountPath: PG_WAL_MOUNT });
  return mounts;
}

/** nodeSelector, tolerations, affinity and topology spread shared by instance and Job pods. */
export function schedulingFields(pass: Pass): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const a = pass.spec.affinity ?? {};
  if (a.nodeSelector && Object.keys(a.nodeSelector).length) out.nodeSelector = { ...a.nodeSelector };
  if (a.tolerations?.length) out.tolerations = [...a.tolerations];
  const affinity = buildAffinity(pass);
  if (affinity) out.affinity = affinity;
  if (pass.spec.topologySpreadConstraints?.length)
    out.topologySpreadConstraints = [...pass.spec.topologySpreadConstraints];
  return out;
}

function probe(path: string, failureThreshold: number): Record<string, unknown> {
  return {
    httpGet: { path, port: 8000, scheme: 'HTTP' },
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

export function buildInstancePod(pass: Pass, serial: number): KObject {
  const name = instanceName(pass.name, serial);
  const image = pass.spec.imageName ?? DEFAULT_IMAGE;
  const startDelay = pass.spec.startDelay ?? 3600;
  const spec: Record<string, unknown> = {
    hostname: name,
    initContainers: [
      {
        name: 'bootstrap-controller',
        image: OPERATOR_IMAGE,
        command: ['/manager', 'bootstrap', '/controller/manager'],
        volumeMounts: [{ name: 'scratch-data', mountPath: '/controller' }],
      },
    ],
    containers: [
      {
        name: 'postgres',
        image,
        command: ['/controller/manager', 'instance', 'run'],
        env: [
          { name: 'PGDATA', value: `${PG_DATA_MOUNT}/pgdata` },
          { name: 'POD_NAME', value: name },
          { name: 'NAMESPACE', value: pass.namespace },
          { name: 'CLUSTER_NAME', value: pass.name },
        ],
        ports: [
          { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
          { name: 'status', containerPort: 8000, protocol: 'TCP' },
        ],
        startupProbe: probe('/startupz', Math.ceil(startDelay / 10)),
        readinessProbe: probe('/readyz', 3),
        livenessProbe: probe('/healthz', 3),
        volumeMounts: [
          ...pvcMounts(pass),
          { name: 'scratch-data', mountPath: '/controller' },
          { name: 'shm', mountPath: '/dev/shm' },
        ],
      },
    ],
    volumes: [
      ...pvcVolumes(pass, name),
      { name: 'scratch-data', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory' } },
    ],
    ...schedulingFields(pass),
    terminationGracePeriodSeconds: pass.spec.stopDelay ?? 1800,
    serviceAccountName: pass.name,
    automountServiceAccountToken: false,
  };
  const podSpecJson = JSON.stringify(spec);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: pass.namespace,
      labels: {
        ...(pass.spec.inheritedMetadata?.labels ?? {}),
        [LABEL.cluster]: pass.name,
        [LABEL.instanceName]: name,
        [LABEL.podRole]: 'instance',
        ...commonLabels(pass.name),
        [LABEL.appVersion]: pgMajorOf(image),
      },
      annotations: {
        ...(pass.spec.inheritedMetadata?.annotations ?? {}),
        [ANNOTATION.nodeSerial]: String(serial),
        [ANNOTATION.podEnvHash]: createHash('sha256').update(podSpecJson).digest('hex').slice(0, 16),
        [ANNOTATION.podSpec]: podSpecJson,
      },
      ownerReferences: [controllerRef(pass.cluster, true)],
    },
    spec,
  };
}
