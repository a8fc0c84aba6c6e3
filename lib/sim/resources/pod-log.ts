/**
 * GET pods/{name}/log: what the simulated containers "printed", derived from the pod's status so it
 * is the same for every reader: a start line, a readiness line, an exit line, and the lines a pod
 * asks for with the `sim.kubexpect.io/log` annotation (every container) or
 * `sim.kubexpect.io/log-<container>` (one), printed right after the start line. Honours
 * `container`, `previous`, `timestamps` and `tailLines` and answers the kubelet's errors for a
 * container that is missing, not named, or not started yet.
 */
import type { SubresourceHandler } from '../api/api.ts';
import { badRequest } from '../api/errors.ts';
import type { KObject } from '../api/types.ts';

export const SIM_LOG = 'sim.kubexpect.io/log';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; startedAt?: string; finishedAt?: string };
}

interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodShape {
  spec?: { containers?: { name: string; image?: string }[]; initContainers?: { name: string }[] };
  status?: {
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

interface Line {
  at: string;
  text: string;
}

/** The lines of one run of a container (its current state, or its last one). */
function linesOf(
  pod: KObject,
  container: string,
  image: string,
  state: ContainerState,
  ready: boolean,
): Line[] {
  const started = state.running?.startedAt ?? state.terminated?.startedAt;
  if (!started) return [];
  const lines: Line[] = [
    { at: started, text: `kubexpect-sim: container "${container}" started (image ${image})` },
  ];
  const annotations = pod.metadata.annotations ?? {};
  for (const key of [SIM_LOG, `${SIM_LOG}-${container}`]) {
    for (const text of (annotations[key] ?? '').split('\n'))
      if (text !== '') lines.push({ at: started, text });
  }
  const readyAt = ((pod as PodShape).status?.conditions ?? []).find(
    (c) => c.type === 'Ready' && c.status === 'True',
  )?.lastTransitionTime;
  if (ready && readyAt) lines.push({ at: readyAt, text: `kubexpect-sim: container "${container}" is ready` });
  const t = state.terminated;
  if (t?.finishedAt) {
    lines.push({
      at: t.finishedAt,
      text: `kubexpect-sim: container "${container}" exited with code ${t.exitCode ?? 0} (${t.reason ?? 'Completed'})`,
    });
  }
  return lines;
}

function chooseContainer(pod: KObject, requested: string | null): string {
  const p = pod as PodShape;
  const containers = (p.spec?.containers ?? []).map((c) => c.name);
  const inits = (p.spec?.initContainers ?? []).map((c) => c.name);
  const name = pod.metadata.name;
  if (requested) {
    if (![...containers, ...inits].includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (containers.length === 1) return containers[0]!;
  const initText = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
  throw badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${initText}`,
  );
}

export const podLog: SubresourceHandler = {
  read(api, rt, namespace, name, query) {
    const pod = api.get(rt, namespace, name);
    const p = pod as PodShape;
    const container = chooseContainer(pod, query.get('container'));
    const status = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].find(
      (s) => s.name === container,
    );
    const image =
      status?.image ??
      [
        ...(p.spec?.containers ?? []),
        ...((p.spec?.initContainers ?? []) as { name: string; image?: string }[]),
      ].find((c) => c.name === container)?.image ??
      '';
    const previous = ['true', '1'].includes((query.get('previous') ?? '').toLowerCase());
    let lines: Line[];
    if (previous) {
      if (!status?.lastState?.terminated) {
        throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
      }
      lines = linesOf(pod, container, image, status.lastState, false);
    } else {
      const state = status?.state ?? {};
      if (!state.running && !state.terminated) {
        const reason = state.waiting?.reason ?? 'ContainerCreating';
        throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
      }
      lines = linesOf(pod, container, image, state, !!status?.ready);
    }
    const tail = Number(query.get('tailLines'));
    if (query.get('tailLines') !== null && Number.isInteger(tail) && tail >= 0) {
      lines = lines.slice(Math.max(0, lines.length - tail));
    }
    const stamped = ['true', '1'].includes((query.get('timestamps') ?? '').toLowerCase());
    const body = lines
      .map(
        (l) =>
          `${stamped ? `${new Date(l.at).toISOString().replace('.000Z', '.000000000Z')} ` : ''}${l.text}\n`,
      )
      .join('');
    return { contentType: 'text/plain', body };
  },
};
