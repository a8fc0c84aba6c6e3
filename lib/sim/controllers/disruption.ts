/**
 * The disruption controller: keeps every PodDisruptionBudget's status as kube-controller-manager
 * computes it (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed, observedGeneration,
 * the DisruptionAllowed condition), drops disruptedPods entries the eviction API added once the pod
 * is being deleted or the entry has timed out, and fails safe (no disruptions) when it cannot
 * compute a budget. The eviction subresource reads this status.
 */
import type { Api } from '../api/api.ts';
import { isStatusError, qualifiedResource } from '../api/errors.ts';
import { fromLabelSelectorSpec, type LabelSelectorSpec, matchesLabels } from '../api/selectors.ts';
import { type KObject, timestamp } from '../api/types.ts';
import { isPodReady } from './kube-types.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from './runtime.ts';

const SOURCE = { component: 'controllermanager' };
/** How long an eviction's entry in disruptedPods may wait for the pod's deletion (DeletionTimeout). */
const DELETION_TIMEOUT_MS = 2 * 60_000;
/** How long a pod may carry DisruptionTarget=True without being deleted before it is reset. */
const STALE_POD_DISRUPTION_MS = 2 * 60_000;

type IntOrString = number | string;

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

interface Pdb extends KObject {
  spec?: {
    selector?: LabelSelectorSpec | null;
    minAvailable?: IntOrString;
    maxUnavailable?: IntOrString;
  };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed?: number;
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    conditions?: Condition[];
  };
}

interface PodShape extends KObject {
  status?: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

export interface DisruptionControllerOptions {
  /** Realistic time an evicted pod may stay undeleted before its disruptedPods entry lapses (2 min). */
  deletionTimeoutMs?: number;
  /** Realistic time a pod may keep DisruptionTarget=True without being deleted before it is reset (2 min). */
  stalePodDisruptionMs?: number;
}

/** intstr.GetScaledValueFromIntOrPercent. */
function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const v = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(v) : Math.floor(v);
}

function controllerOf(obj: KObject) {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** How metav1.LabelSelector prints itself in Go (`%v`), as the UnmanagedPods event shows it. */
function goLabelSelector(s: LabelSelectorSpec | null | undefined): string {
  if (!s) return 'nil';
  const labels = Object.keys(s.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${s.matchLabels![k]},`)
    .join('');
  const exprs = (s.matchExpressions ?? [])
    .map(
      (e) =>
        `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`,
    )
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

interface ControllerScale {
  uid: string;
  scale: number;
}

/** The controller of a pod and its desired replica count, found like the real finders; undefined when none matches. */
function findControllerScale(
  api: Api,
  ref: NonNullable<ReturnType<typeof controllerOf>>,
  namespace: string,
): ControllerScale | undefined {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  const typed = (g: string, plural: string, name: string): KObject | undefined => {
    const rt = api.registry.find(g, plural);
    return rt ? api.find(rt, namespace, name) : undefined;
  };
  const replicas = (o: KObject) => (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  if (ref.kind === 'ReplicationController' && group === '') {
    const rc = typed('', 'replicationcontrollers', ref.name);
    if (rc && rc.metadata.uid === ref.uid) return { uid: rc.metadata.uid!, scale: replicas(rc) };
  }
  if (ref.kind === 'ReplicaSet' && group === 'apps') {
    const rsObj = typed('apps', 'replicasets', ref.name);
    if (rsObj && rsObj.metadata.uid === ref.uid) {
      const owner = controllerOf(rsObj);
      if (owner?.kind === 'Deployment') {
        const dep = typed('apps', 'deployments', owner.name);
        if (dep && dep.metadata.uid === owner.uid) return { uid: dep.metadata.uid!, scale: replicas(dep) };
        return undefined;
      }
      return { uid: rsObj.metadata.uid!, scale: replicas(rsObj) };
    }
  }
  if (ref.kind === 'StatefulSet' && group === 'apps') {
    const ss = typed('apps', 'statefulsets', ref.name);
    if (ss && ss.metadata.uid === ref.uid) return { uid: ss.metadata.uid!, scale: replicas(ss) };
  }
  // Any other owner that serves /scale (a CNPG Cluster, for one).
  const rt = api.registry.findKind(group, ref.kind);
  if (!rt) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  const handler = api.subresourceHandler(rt, 'scale');
  if (!rt.subresources?.scale || !handler?.get) {
    throw new Error(
      `${qualifiedResource({ group: rt.group, resource: rt.plural })} does not implement the scale subresource`,
    );
  }
  let scale: KObject;
  try {
    scale = handler.get(api, rt, namespace, ref.name);
  } catch (err) {
    if (isStatusError(err) && err.code === 404) return undefined;
    throw err;
  }
  if (scale.metadata.uid !== ref.uid) return undefined;
  return { uid: ref.uid, scale: (scale.spec as { replicas?: number } | undefined)?.replicas ?? 0 };
}

export function disruptionController(options: DisruptionControllerOptions = {}): Controller {
  const timeoutMs = options.deletionTimeoutMs ?? DELETION_TIMEOUT_MS;
  const staleMs = options.stalePodDisruptionMs ?? STALE_POD_DISRUPTION_MS;
  return {
    name: 'disruption-controller',
    start(runtime: SimRuntime) {
      const api = runtime.api;
      const pdbRt = api.resource('policy', 'poddisruptionbudgets');
      const podsRt = api.resource('', 'pods');
      const pdbs = runtime.informer('policy', 'poddisruptionbudgets');
      const pods = runtime.informer('', 'pods');

      const podsFor = (pdb: Pdb): KObject[] => {
        // A null selector selects nothing; an empty one selects every pod in the namespace.
        if (!pdb.spec?.selector) return [];
        const selector = fromLabelSelectorSpec(pdb.spec.selector);
        return pods.list(pdb.metadata.namespace).filter((p) => matchesLabels(selector, p.metadata.labels));
      };

      const expectedScale = (pdb: Pdb, matched: KObject[]) => {
        const scales = new Map<string, number>();
        const unmanaged: string[] = [];
        for (const pod of matched) {
          const ref = controllerOf(pod);
          if (!ref) {
            unmanaged.push(pod.metadata.name!);
            continue;
          }
          if (scales.has(ref.uid)) continue;
          const found = findControllerScale(api, ref, pdb.metadata.namespace!);
          if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
          scales.set(found.uid, found.scale);
        }
        let expected = 0;
        for (const n of scales.values()) expected += n;
        return { expected, unmanaged };
      };

      const expectedCounts = (pdb: Pdb, matched: KObject[]) => {
        const spec = pdb.spec ?? {};
        if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
          const { expected, unmanaged } = expectedScale(pdb, matched);
          const maxUnavailable = scaledValue(spec.maxUnavailable, expected, true);
          return { expected, desired: Math.max(0, expected - maxUnavailable), unmanaged };
        }
        if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
          if (typeof spec.minAvailable === 'number') {
            return { expected: matched.length, desired: spec.minAvailable, unmanaged: [] as string[] };
          }
          const { expected, unmanaged } = expectedScale(pdb, matched);
          return { expected, desired: scaledValue(spec.minAvailable, expected, true), unmanaged };
        }
        return { expected: 0, desired: 0, unmanaged: [] as string[] };
      };

      const setCondition = (
        conditions: Condition[],
        next: Omit<Condition, 'lastTransitionTime'>,
      ): Condition[] => {
        const now = timestamp(api.now());
        const old = conditions.find((c) => c.type === next.type);
        const merged: Condition = {
          type: next.type,
          status: next.status,
          ...(next.observedGeneration !== undefined ? { observedGeneration: next.observedGeneration } : {}),
          lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now,
          reason: next.reason,
          message: next.message,
        };
        return old ? conditions.map((c) => (c === old ? merged : c)) : [...conditions, merged];
      };

      const writeStatus = (pdb: Pdb, status: NonNullable<Pdb['status']>) => {
        api.update(
          pdbRt,
          pdb.metadata.namespace,
          pdb.metadata.name!,
          { ...pdb, status },
          {
            subresource: 'status',
            fieldManager: 'kube-controller-manager',
          },
        );
      };

      const trySync = (key: string, pdb: Pdb) => {
        const matched = podsFor(pdb);
        if (matched.length === 0)
          runtime.events.record(pdb, 'Normal', 'NoPods', 'No matching pods found', SOURCE);
        let counts: ReturnType<typeof expectedCounts>;
        try {
          counts = expectedCounts(pdb, matched);
        } catch (err) {
          runtime.events.record(
            pdb,
            'Warning',
            'CalculateExpectedPodCountFailed',
            `Failed to calculate the number of expected pods: ${(err as Error).message}`,
            SOURCE,
          );
          throw err;
        }
        if (counts.unmanaged.length > 0) {
          runtime.events.record(
            pdb,
            'Warning',
            'UnmanagedPods',
            `Pods selected by this PodDisruptionBudget (selector: ${goLabelSelector(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
            SOURCE,
          );
        }
        const now = api.now().getTime();
        const timeout = runtime.scaled(timeoutMs);
        const disrupted: Record<string, string> = {};
        let recheckAt: number | undefined;
        const recorded = pdb.status?.disruptedPods ?? {};
        for (const pod of matched) {
          if (pod.metadata.deletionTimestamp) continue;
          const at = recorded[pod.metadata.name!];
          if (at === undefined) continue;
          const expires = Date.parse(at) + timeout;
          if (expires < now) {
            // The real message names the PDB's namespace twice.
            runtime.events.record(
              pod,
              'Warning',
              'NotDeleted',
              `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`,
              SOURCE,
            );
          } else {
            disrupted[pod.metadata.name!] = at;
            if (recheckAt === undefined || expires < recheckAt) recheckAt = expires;
          }
        }
        let healthy = 0;
        for (const pod of matched) {
          if (pod.metadata.deletionTimestamp) continue;
          if (disrupted[pod.metadata.name!] !== undefined) continue;
          if (isPodReady(pod)) healthy++;
        }
        let allowed = healthy - counts.desired;
        if (counts.expected <= 0 || allowed <= 0) allowed = 0;
        const generation = pdb.metadata.generation ?? 1;
        const cond = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
        const conditionCurrent =
          !!cond &&
          (allowed > 0
            ? cond.status === 'True' && cond.reason === 'SufficientPods'
            : cond.status === 'False' && cond.reason === 'InsufficientPods');
        const st = pdb.status ?? {};
        const unchanged =
          st.currentHealthy === healthy &&
          st.desiredHealthy === counts.desired &&
          st.expectedPods === counts.expected &&
          st.disruptionsAllowed === allowed &&
          JSON.stringify(st.disruptedPods ?? {}) === JSON.stringify(disrupted) &&
          st.observedGeneration === generation &&
          conditionCurrent;
        if (!unchanged) {
          const status: NonNullable<Pdb['status']> = {
            ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
            disruptionsAllowed: allowed,
            currentHealthy: healthy,
            desiredHealthy: counts.desired,
            expectedPods: counts.expected,
            observedGeneration: generation,
            conditions: setCondition(
              st.conditions ?? [],
              allowed > 0
                ? {
                    type: 'DisruptionAllowed',
                    status: 'True',
                    reason: 'SufficientPods',
                    message: '',
                    observedGeneration: generation,
                  }
                : {
                    type: 'DisruptionAllowed',
                    status: 'False',
                    reason: 'InsufficientPods',
                    message: '',
                    observedGeneration: generation,
                  },
            ),
          };
          writeStatus(pdb, status);
        }
        if (recheckAt !== undefined) queue.addAfter(key, (recheckAt - now) / runtime.timeScale + 1);
      };

      /** No disruptions while the budget cannot be computed; observedGeneration stays as it was. */
      const failSafe = (pdb: Pdb, err: unknown) => {
        const st = pdb.status ?? {};
        writeStatus(pdb, {
          ...st,
          disruptionsAllowed: 0,
          conditions: setCondition(st.conditions ?? [], {
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'SyncFailed',
            message: err instanceof Error ? err.message : String(err),
            ...(st.observedGeneration !== undefined ? { observedGeneration: st.observedGeneration } : {}),
          }),
        });
      };

      const queue = runtime.queue('disruption-controller', (key) => {
        const { namespace, name } = splitKey(key);
        const pdb = api.find(pdbRt, namespace, name) as Pdb | undefined;
        if (!pdb) return;
        try {
          trySync(key, pdb);
        } catch (err) {
          // A conflict is someone else's newer write (an eviction): retry, do not fail safe.
          if (isStatusError(err) && err.code === 409) throw err;
          runtime.reportError('disruption-controller', key, err);
          failSafe(pdb, err);
        }
      });

      const enqueueFor = (pod: KObject) => {
        for (const pdb of pdbs.list(pod.metadata.namespace)) {
          const sel = (pdb as Pdb).spec?.selector;
          if (sel && matchesLabels(fromLabelSelectorSpec(sel), pod.metadata.labels)) queue.add(keyOf(pdb));
        }
      };
      pdbs.on((type, obj) => {
        if (type !== 'DELETED') queue.add(keyOf(obj));
      });
      // A pod marked as a disruption target (by an eviction) that was not deleted after all gets
      // the condition reset, as the real controller's stale-pod-disruption worker does.
      const staleQueue = runtime.queue('disruption-controller/stale-pod-disruption', (key) => {
        const { namespace, name } = splitKey(key);
        const pod = api.find(podsRt, namespace, name) as PodShape | undefined;
        const cond = pod?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
        if (!pod || pod.metadata.deletionTimestamp || cond?.status !== 'True') return;
        const since = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : api.now().getTime();
        const left = since + runtime.scaled(staleMs) - api.now().getTime();
        if (left > 0) {
          staleQueue.addAfter(key, left / runtime.timeScale + 1);
          return;
        }
        const conditions = pod.status!.conditions!.map((c) =>
          c === cond ? { ...c, status: 'False', lastTransitionTime: timestamp(api.now()) } : c,
        );
        api.update(
          podsRt,
          namespace,
          name,
          { ...pod, status: { ...pod.status, conditions } },
          {
            subresource: 'status',
            fieldManager: 'DisruptionController',
          },
        );
      });

      pods.on((_t, pod, old) => {
        enqueueFor(pod);
        if (old) enqueueFor(old);
        const cond = (pod as PodShape).status?.conditions?.find((c) => c.type === 'DisruptionTarget');
        if (cond?.status === 'True' && !pod.metadata.deletionTimestamp) staleQueue.add(keyOf(pod));
      });
      // Scale changes of the workloads that own pods change expectedPods.
      for (const [group, plural] of [
        ['', 'replicationcontrollers'],
        ['apps', 'replicasets'],
        ['apps', 'deployments'],
        ['apps', 'statefulsets'],
      ] as const) {
        if (!api.registry.find(group, plural)) continue;
        runtime.informer(group, plural).on((_t, obj) => {
          for (const pdb of pdbs.list(obj.metadata.namespace)) queue.add(keyOf(pdb));
        }, false);
      }
    },
  };
}
