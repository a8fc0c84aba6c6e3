/**
 * The defaults kube-apiserver gives a pod (k8s.io/kubernetes pkg/apis/core/v1/defaults.go, run on
 * every decode) and the ones its admission plugins add on create (ServiceAccount: the `default`
 * account; DefaultTolerationSeconds: 300 s tolerations of not-ready and unreachable nodes; Priority:
 * priority 0 and PreemptLowerPriority).
 */
import { isPlainObject, type KObject } from '../api/types.ts';

type Obj = Record<string, unknown>;

const objects = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);

/** The tag of an image reference as docker's parser reads it: `latest` when neither tag nor digest. */
function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon >= 0) return withoutDigest.slice(colon + 1);
  return image.includes('@') ? '' : 'latest';
}

function defaultProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isPlainObject(probe.httpGet)) {
    probe.httpGet.path ??= '/';
    probe.httpGet.scheme ??= 'HTTP';
  }
}

/** SetDefaults_Container and what it reaches (ports, probes, env field references, resources). */
export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy && typeof c.image === 'string') {
    c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const port of objects(c.ports)) port.protocol ??= 'TCP';
  for (const env of objects(c.env)) {
    const fieldRef = isPlainObject(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isPlainObject(fieldRef)) fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  // A struct, not a pointer, in Go: encoded as {} when empty, in pods and templates alike.
  if (!isPlainObject(c.resources)) c.resources = {};
}

/**
 * Requests default to the limits given, in pods only: SetDefaults_Pod does it, not the container's
 * defaults, so pod templates (Deployments, Jobs…) keep just the limits they were given.
 */
function defaultRequestsFromLimits(c: Obj): void {
  if (isPlainObject(c.resources) && isPlainObject(c.resources.limits)) {
    const requests = isPlainObject(c.resources.requests) ? c.resources.requests : {};
    for (const [name, value] of Object.entries(c.resources.limits)) requests[name] ??= value;
    c.resources.requests = requests;
  }
}

/**
 * SetDefaults_PodSpec: what every pod spec (and pod template) gets on decode. A Job's template
 * keeps an unset restartPolicy (`restartPolicy: false`), as measured on kube-apiserver.
 */
export function defaultPodSpec(spec: Obj, { restartPolicy = true }: { restartPolicy?: boolean } = {}): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  if (restartPolicy) spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  if (!isPlainObject(spec.securityContext)) spec.securityContext = {};
  for (const c of objects(spec.containers)) defaultContainer(c);
  for (const c of objects(spec.initContainers)) defaultContainer(c);
  for (const volume of objects(spec.volumes)) {
    for (const source of ['configMap', 'secret'] as const) {
      if (isPlainObject(volume[source])) volume[source].defaultMode ??= 420;
    }
  }
}

/** Pod defaults on every decode: the spec's, and enableServiceLinks (SetDefaults_Pod). */
export function defaultPod(obj: KObject): void {
  const spec = (isPlainObject(obj.spec) ? obj.spec : {}) as Obj;
  defaultPodSpec(spec);
  for (const c of objects(spec.containers)) defaultRequestsFromLimits(c);
  for (const c of objects(spec.initContainers)) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  obj.spec = spec;
}

/** What admission adds to a new pod: its service account, priority and default tolerations. */
export function admitPodDefaults(obj: KObject): void {
  const spec = obj.spec as Obj;
  spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? 'default';
  spec.serviceAccount = spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = objects(spec.tolerations);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const tolerated = tolerations.some(
      (t) =>
        (t.key === key || (t.key === undefined && t.operator === 'Exists')) &&
        (t.effect === 'NoExecute' || !t.effect),
    );
    if (!tolerated)
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/** Where the ServiceAccount admission mounts the API credentials in every container. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const TOKEN_VOLUME_PREFIX = 'kube-api-access-';

/** Whether the pod gets the token volume: the pod's choice wins, then the account's, default yes. */
export function automountsToken(spec: Obj, account: Obj | undefined): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof account?.automountServiceAccountToken === 'boolean') return account.automountServiceAccountToken;
  return true;
}

/**
 * The ServiceAccount admission's projected volume `kube-api-access-<suffix>` (a bound token, the
 * cluster CA and the namespace) and its read-only mount in every init and regular container that has
 * nothing mounted at the path yet (plugin/pkg/admission/serviceaccount mountServiceAccountToken).
 * `suffix` draws the 5 random characters; an existing kube-api-access- volume is reused.
 */
export function mountServiceAccountToken(spec: Obj, suffix: () => string): void {
  const volumes = objects(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  let name = existing?.name as string | undefined;
  while (name === undefined || (!existing && volumes.some((v) => v.name === name))) {
    name = `${TOKEN_VOLUME_PREFIX}${suffix()}`;
  }
  let needed = false;
  for (const list of ['initContainers', 'containers'] as const) {
    for (const c of objects(spec[list])) {
      const mounts = objects(c.volumeMounts);
      if (mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
      needed = true;
    }
  }
  if (existing || !needed) return;
  spec.volumes = [
    ...volumes,
    {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
        defaultMode: 420,
      },
    },
  ];
}
