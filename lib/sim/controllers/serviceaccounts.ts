/**
 * What kube-controller-manager gives every namespace, and the admission that relies on it: the
 * serviceaccount controller creates (and recreates) the `default` ServiceAccount, the
 * root-ca-cert-publisher the `kube-root-ca.crt` ConfigMap, and kube-apiserver's ServiceAccount
 * admission refuses a pod naming an account that does not exist with 403
 * `pods "web" is forbidden: error looking up service account ns/name: serviceaccount "name" not found`
 * (plugin/pkg/admission/serviceaccount/admission.go). The admission is installed with the controller:
 * without one, a real kube-apiserver refuses every pod, which a bare simulated API server does not.
 */
import { readFileSync } from 'node:fs';
import { forbidden, StatusError } from '../api/errors.ts';
import { resourceKey } from '../api/resource.ts';
import type { KObject } from '../api/types.ts';
import { randomNameSuffix } from '../random.ts';
import { automountsToken, mountServiceAccountToken } from '../resources/pod-defaults.ts';
import type { Controller, SimRuntime } from './runtime.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const DEFAULT_SERVICE_ACCOUNT = 'default';

const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

let rootCa: string | undefined;

/** The CA bundle the cluster publishes (see ../data/pki/README.md). */
function rootCaBundle(): string {
  rootCa ??= readFileSync(new URL('../data/pki/kube-root-ca.crt', import.meta.url), 'utf8');
  return rootCa;
}

function ignoreExisting(err: unknown): void {
  // Already there, or the namespace is going: nothing to do.
  if (err instanceof StatusError && (err.code === 409 || err.code === 403 || err.code === 404)) return;
  throw err;
}

export function serviceAccountController(): Controller {
  return {
    name: 'serviceaccount-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const namespaces = api.resource('', 'namespaces');
      const serviceAccounts = api.resource('', 'serviceaccounts');
      const configMaps = api.resource('', 'configmaps');
      const pods = api.resource('', 'pods');

      api.addAdmission((op, rt, obj) => {
        if (op !== 'create' || rt !== pods) return;
        const spec = obj.spec as { serviceAccountName?: string } | undefined;
        const account = spec?.serviceAccountName ?? DEFAULT_SERVICE_ACCOUNT;
        const namespace = obj.metadata.namespace!;
        const found = api.find(serviceAccounts, namespace, account);
        if (found) {
          // The same plugin then mounts the account's API credentials (a kube-api-access- volume).
          if (obj.spec && automountsToken(obj.spec as Record<string, unknown>, found)) {
            mountServiceAccountToken(obj.spec as Record<string, unknown>, () =>
              randomNameSuffix(runtime.random),
            );
          }
          return;
        }
        throw forbidden(
          { group: '', resource: 'pods' },
          obj.metadata.name ?? '',
          `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
        );
      });

      const reconcile = (name: string) => {
        const ns = api.find(namespaces, undefined, name);
        if (!ns || ns.metadata.deletionTimestamp) return;
        const manager = { fieldManager: 'kube-controller-manager' };
        if (!api.find(serviceAccounts, name, DEFAULT_SERVICE_ACCOUNT)) {
          try {
            api.create(serviceAccounts, name, { metadata: { name: DEFAULT_SERVICE_ACCOUNT } }, manager);
          } catch (err) {
            ignoreExisting(err);
          }
        }
        if (!api.find(configMaps, name, ROOT_CA_CONFIGMAP)) {
          const configMap: KObject = {
            metadata: {
              name: ROOT_CA_CONFIGMAP,
              annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION },
            },
            data: { 'ca.crt': rootCaBundle() },
          };
          try {
            api.create(configMaps, name, configMap, manager);
          } catch (err) {
            ignoreExisting(err);
          }
        }
      };
      const queue = runtime.queue('serviceaccount-controller', reconcile);
      // The namespaces there already get theirs before any workload controller runs, and a new
      // namespace gets them right after its write (before the next request is read), so a pod
      // created just after its namespace does not meet the race a real cluster has here.
      for (const ns of api.list(namespaces, undefined).items) reconcile(ns.metadata.name!);
      api.store.subscribe(resourceKey(namespaces), (change) => {
        if (change.type !== 'ADDED' || runtime.isStopped) return;
        const name = change.object.metadata.name!;
        queueMicrotask(() => {
          if (runtime.isStopped) return;
          try {
            reconcile(name);
          } catch {
            queue.add(name); // retried with the queue's back-off, which reports what failed
          }
        });
      });
      // Deleting either object brings it back, as the real controllers do.
      const recreate = (type: string, obj: KObject, name: string) => {
        if (type === 'DELETED' && obj.metadata.name === name) queue.add(obj.metadata.namespace!);
      };
      runtime.informer('', 'serviceaccounts').on((type, sa) => recreate(type, sa, DEFAULT_SERVICE_ACCOUNT));
      runtime.informer('', 'configmaps').on((type, cm) => recreate(type, cm, ROOT_CA_CONFIGMAP));
    },
  };
}
