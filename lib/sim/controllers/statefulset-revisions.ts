/**
 * A StatefulSet's ControllerRevisions: each pod template is stored as the strategic merge patch that
 * restores it (so `kubectl rollout undo` applies it), named `<set>-<hash>`, numbered in order; an old
 * template that comes back (a rollback) is renumbered as the newest; history beyond
 * revisionHistoryLimit goes, except revisions a pod or the status still names.
 */
import { StatusError } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import { controllerRef, ownedBy } from './owners.ts';
import type { SimRuntime } from './runtime.ts';
import { REVISION_LABEL, spec, type Template } from './statefulset-spec.ts';
import { computeHash, ignoringRaces, MANAGER, sameValue, semantic, writeStatus } from './workload-helpers.ts';

/** What a ControllerRevision stores for a StatefulSet: a strategic merge patch replacing the template. */
function revisionData(set: KObject): Record<string, unknown> {
  return { spec: { template: { ...(semantic(spec(set).template) as object), $patch: 'replace' } } };
}

export function templateOf(revision: KObject): Template {
  const t = {
    ...((revision.data as { spec?: { template?: Record<string, unknown> } }).spec?.template ?? {}),
  };
  delete t.$patch;
  return t as Template;
}

function revisionNumber(revision: KObject): number {
  return (revision.revision as number | undefined) ?? 0;
}

export interface Revisions {
  /** The revision of the current template (created or renumbered), the one pods are at, and all of them. */
  sync(set: KObject): { current: KObject; update: KObject; revisions: KObject[] };
  /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod and neither status revision uses. */
  truncate(set: KObject, revisions: KObject[], owned: KObject[], status: Record<string, unknown>): void;
}

export function statefulSetRevisions(runtime: SimRuntime): Revisions {
  const api = runtime.api;
  const setsRt = api.resource('apps', 'statefulsets');
  const revisionsRt = api.resource('apps', 'controllerrevisions');

  function syncRevisions(set: KObject): { current: KObject; update: KObject; revisions: KObject[] } {
    const revisions = claimRevisions(set).sort((a, b) => revisionNumber(a) - revisionNumber(b));
    const data = revisionData(set);
    const latest = Math.max(0, ...revisions.map(revisionNumber));
    let update = revisions.find((r) => sameValue(r.data, data));
    if (update && revisionNumber(update) !== latest) {
      // An old template is current again (a rollback): it becomes the newest revision.
      update =
        ignoringRaces(() =>
          api.update(
            revisionsRt,
            set.metadata.namespace,
            update!.metadata.name!,
            { ...update!, revision: latest + 1 },
            MANAGER,
          ),
        ) ?? update;
    }
    if (!update) update = createRevision(set, data, latest + 1);
    const status = (set.status ?? {}) as { currentRevision?: string };
    const current = revisions.find((r) => r.metadata.name === status.currentRevision) ?? update;
    return {
      current,
      update,
      revisions: [...revisions.filter((r) => r.metadata.uid !== update.metadata.uid), update],
    };
  }

  function claimRevisions(set: KObject): KObject[] {
    return api
      .list(revisionsRt, set.metadata.namespace)
      .items.filter((r) => controllerRef(r)?.uid === set.metadata.uid);
  }

  function createRevision(set: KObject, data: Record<string, unknown>, revision: number): KObject {
    let collisions = ((set.status ?? {}) as { collisionCount?: number }).collisionCount ?? 0;
    for (;;) {
      const name = `${set.metadata.name}-${computeHash(data, collisions)}`;
      try {
        return api.create(
          revisionsRt,
          set.metadata.namespace,
          {
            metadata: {
              name,
              namespace: set.metadata.namespace,
              labels: { ...spec(set).template?.metadata?.labels },
              // The set's annotations (kubernetes.io/change-cause among them) go with each revision.
              ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
              ownerReferences: [ownedBy(set)],
            },
            data,
            revision,
          },
          MANAGER,
        );
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 409)) throw err;
        const existing = api.find(revisionsRt, set.metadata.namespace, name);
        if (existing && controllerRef(existing)?.uid === set.metadata.uid && sameValue(existing.data, data))
          return existing;
        collisions++;
        writeStatus(runtime, setsRt, set, { ...(set.status as object), collisionCount: collisions });
      }
    }
  }

  function truncateHistory(
    set: KObject,
    revisions: KObject[],
    owned: KObject[],
    status: Record<string, unknown>,
  ): void {
    const live = new Set<string>([String(status.currentRevision), String(status.updateRevision)]);
    for (const pod of owned) {
      const r = pod.metadata.labels?.[REVISION_LABEL];
      if (r) live.add(r);
    }
    const history = revisions
      .filter((r) => !live.has(r.metadata.name!))
      .sort((a, b) => revisionNumber(a) - revisionNumber(b));
    const limit = spec(set).revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      ignoringRaces(() =>
        api.delete(revisionsRt, r.metadata.namespace, r.metadata.name!, {
          preconditions: { uid: r.metadata.uid! },
        }),
      );
    }
  }

  return { sync: syncRevisions, truncate: truncateHistory };
}
