/**
 * Pods a workload controller (Job, DaemonSet) creates and deletes, with the events kubectl describe
 * shows for them: SuccessfulCreate and SuccessfulDelete.
 */
import { StatusError } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';
import type { EventSource } from './events.ts';
import type { PodSpec } from './kube-types.ts';
import { ownedBy } from './owners.ts';
import type { SimRuntime } from './runtime.ts';

/** What the controller puts into a pod it creates (from its template). */
export interface OwnedPod {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  spec: PodSpec;
}

/**
 * Creates a pod controlled by `owner`, named `<owner>-<nextSuffix()>` (generateName style); a name
 * that is taken is drawn again, up to ten times. Answers the new pod's name, or undefined.
 */
export function createOwnedPod(
  runtime: SimRuntime,
  owner: KObject,
  pod: OwnedPod,
  nextSuffix: () => string,
  source: EventSource,
): string | undefined {
  const podsRt = runtime.api.resource('', 'pods');
  const ownerName = owner.metadata.name!;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const created = runtime.api.create(
        podsRt,
        owner.metadata.namespace,
        {
          metadata: {
            name: `${ownerName}-${nextSuffix()}`,
            generateName: `${ownerName}-`,
            namespace: owner.metadata.namespace,
            labels: pod.labels,
            ...(pod.annotations ? { annotations: pod.annotations } : {}),
            ownerReferences: [ownedBy(owner)],
          },
          spec: pod.spec,
        },
        { fieldManager: 'kube-controller-manager' },
      );
      runtime.events.record(
        owner,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${created.metadata.name}`,
        source,
      );
      return created.metadata.name;
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) continue;
      throw err;
    }
  }
  return undefined;
}

/** Deletes this very pod (by uid); a pod already gone or replaced under its name is left alone. */
export function deleteOwnedPod(runtime: SimRuntime, owner: KObject, pod: KObject, source: EventSource): void {
  try {
    runtime.api.delete(runtime.api.resource('', 'pods'), pod.metadata.namespace, pod.metadata.name!, {
      preconditions: { uid: pod.metadata.uid! },
    });
    runtime.events.record(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
  } catch (err) {
    if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
  }
}
