/**
 * Names, labels and annotations of the objects the CloudNativePG operator creates, as the real
 * operator (v1.30) spells them (pkg/utils/labels_annotations.go, pkg/specs). Helpers and specs
 * select on these, so they are exported from one place.
 */

export const CNPG_GROUP = 'postgresql.cnpg.io';
export const CNPG_VERSION = 'v1';
export const CNPG_API_VERSION = `${CNPG_GROUP}/${CNPG_VERSION}`;
export const OPERATOR_VERSION = '1.30.0';
export const DEFAULT_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie';
export const OPERATOR_IMAGE = `ghcr.io/cloudnative-pg/cloudnative-pg:${OPERATOR_VERSION}`;
/** The component name the operator's events carry (`GetEventRecorderFor("cloudnative-pg")`). */
export const EVENT_SOURCE = { component: 'cloudnative-pg' } as const;
export const FIELD_MANAGER = 'cloudnative-pg';

export const LABEL = {
  cluster: 'cnpg.io/cluster',
  instanceName: 'cnpg.io/instanceName',
  podRole: 'cnpg.io/podRole',
  instanceRole: 'cnpg.io/instanceRole',
  /** Deprecated twin of cnpg.io/instanceRole, still written by the operator. */
  role: 'role',
  pvcRole: 'cnpg.io/pvcRole',
  jobRole: 'cnpg.io/jobRole',
  userType: 'cnpg.io/userType',
  reload: 'cnpg.io/reload',
  appName: 'app.kubernetes.io/name',
  appInstance: 'app.kubernetes.io/instance',
  appVersion: 'app.kubernetes.io/version',
  appComponent: 'app.kubernetes.io/component',
  appManagedBy: 'app.kubernetes.io/managed-by',
} as const;

export const ANNOTATION = {
  nodeSerial: 'cnpg.io/nodeSerial',
  pvcStatus: 'cnpg.io/pvcStatus',
  operatorVersion: 'cnpg.io/operatorVersion',
  podEnvHash: 'cnpg.io/podEnvHash',
  podSpec: 'cnpg.io/podSpec',
  unrecoverable: 'alpha.cnpg.io/unrecoverable',
} as const;

export type InstanceRole = 'primary' | 'replica' | 'unhealthy';
export type PvcRole = 'PG_DATA' | 'PG_WAL';
export type PvcStatus = 'initializing' | 'ready' | 'detached';
export type JobRole = 'initdb' | 'join';

/** `<cluster>-<serial>`: the instance, its pod and its PGDATA PVC share this name. */
export function instanceName(cluster: string, serial: number): string {
  return `${cluster}-${serial}`;
}

export function walPvcName(instance: string): string {
  return `${instance}-wal`;
}

export function jobName(instance: string, role: JobRole): string {
  return `${instance}-${role}`;
}

/** The serial of `<cluster>-<n>`, or undefined when the name is not one of the cluster's instances. */
export function serialOf(cluster: string, instance: string): number | undefined {
  const prefix = `${cluster}-`;
  if (!instance.startsWith(prefix)) return undefined;
  const rest = instance.slice(prefix.length);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : undefined;
}

export const serviceNames = (cluster: string) => ({
  rw: `${cluster}-rw`,
  ro: `${cluster}-ro`,
  r: `${cluster}-r`,
});

export const secretNames = (cluster: string) => ({
  app: `${cluster}-app`,
  superuser: `${cluster}-superuser`,
  ca: `${cluster}-ca`,
  server: `${cluster}-server`,
  replication: `${cluster}-replication`,
});

export const pdbNames = (cluster: string) => ({ primary: `${cluster}-primary`, replicas: cluster });

/** The label selector of a cluster's instance pods (`status.selector`, the scale subresource's). */
export function instancesSelector(cluster: string): string {
  return `${LABEL.cluster}=${cluster},${LABEL.podRole}=instance`;
}

/** The app.kubernetes.io labels every instance pod carries. */
export function commonLabels(cluster: string): Record<string, string> {
  return {
    [LABEL.appName]: 'postgresql',
    [LABEL.appInstance]: cluster,
    [LABEL.appComponent]: 'database',
    [LABEL.appManagedBy]: 'cloudnative-pg',
  };
}
