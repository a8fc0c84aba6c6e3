/**
 * What the kubelet knows about a pod it runs (its containers, stage, conditions) and the pod
 * status it reports from that: conditions in the kubelet's order with transition times, container
 * statuses, addresses, QoS class. Conditions other writers own (PodScheduled, DisruptionTarget) are kept.
 */
import type { KObject } from '../api/types.ts';
import {
  type Container,
  type ContainerState,
  type ContainerStatus,
  type PodCondition,
  type PodStatus,
  podSpec,
  podStatus,
} from './kube-types.ts';
import { imageIdOf, normalizedImage, qosClassOf } from './kubelet-facts.ts';

export interface ContainerRun {
  spec: Container;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  containerID?: string;
  /** Whether the image was pulled or found: from then on the status names the resolved image. */
  imageResolved: boolean;
}

export type Stage = 'sync' | 'volumes' | 'starting' | 'running' | 'finished' | 'stopping' | 'stopped';

export interface PodRun {
  key: string;
  uid: string;
  /** How many pods of this name this kubelet has run: keys the seeded draws of a recreated pod. */
  incarnation: number;
  node: string;
  stage: Stage;
  phase: NonNullable<PodStatus['phase']>;
  startTime?: string;
  hostIP?: string;
  podIP?: string;
  init: ContainerRun[];
  main: ContainerRun[];
  conditions: Map<string, PodCondition>;
  /** Whether readiness probes have started answering (after the readiness delay). */
  probing?: boolean;
  timers: Set<() => void>;
  mountTimer?: () => void;
}

const CONDITION_ORDER = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

/** Sets a condition, keeping its lastTransitionTime while its status does not change. */
export function setRunCondition(
  run: PodRun,
  now: string,
  type: string,
  status: PodCondition['status'],
  reason?: string,
  message?: string,
): void {
  const previous = run.conditions.get(type);
  const condition: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : now,
  };
  if (reason) condition.reason = reason;
  if (message) condition.message = message;
  run.conditions.set(type, condition);
}

/** Ready and ContainersReady from the containers' readiness (PodCompleted once the pod has finished). */
export function setReadinessConditions(run: PodRun, now: string): void {
  if (run.phase === 'Succeeded' || run.phase === 'Failed') {
    setRunCondition(run, now, 'Ready', 'False', 'PodCompleted');
    setRunCondition(run, now, 'ContainersReady', 'False', 'PodCompleted');
    return;
  }
  const unready = run.main.filter((c) => !c.ready).map((c) => c.spec.name);
  if (unready.length === 0) {
    setRunCondition(run, now, 'Ready', 'True');
    setRunCondition(run, now, 'ContainersReady', 'True');
  } else {
    const message = `containers with unready status: [${unready.join(' ')}]`;
    setRunCondition(run, now, 'Ready', 'False', 'ContainersNotReady', message);
    setRunCondition(run, now, 'ContainersReady', 'False', 'ContainersNotReady', message);
  }
}

/** Initialized: True once every init container has exited 0. */
export function setInitializedCondition(run: PodRun, now: string): void {
  const incomplete = run.init.filter((c) => c.state.terminated?.exitCode !== 0);
  if (incomplete.length === 0) setRunCondition(run, now, 'Initialized', 'True');
  else
    setRunCondition(
      run,
      now,
      'Initialized',
      'False',
      'ContainersNotInitialized',
      `containers with incomplete status: [${incomplete.map((c) => c.spec.name).join(' ')}]`,
    );
}

function containerStatus(c: ContainerRun): ContainerStatus {
  const status: ContainerStatus = {
    name: c.spec.name,
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.imageResolved ? normalizedImage(c.spec.image) : c.spec.image,
    imageID: c.imageResolved ? imageIdOf(c.spec.image) : '',
    started: c.started,
  };
  if (c.containerID) status.containerID = c.containerID;
  return status;
}

/** The status the kubelet reports for the pod, over what the pod's status already says. */
export function statusFor(run: PodRun, pod: KObject): PodStatus {
  const old = podStatus(pod);
  const ours = CONDITION_ORDER.filter((t) => t !== 'PodScheduled' && run.conditions.has(t)).map(
    (t) => run.conditions.get(t)!,
  );
  const managed = new Set(ours.map((c) => c.type));
  const rank = (type: string) => {
    const i = CONDITION_ORDER.indexOf(type);
    return i < 0 ? CONDITION_ORDER.length : i;
  };
  const theirs = (old.conditions ?? [])
    .filter((c) => !managed.has(c.type))
    .sort((a, b) => rank(a.type) - rank(b.type));
  const status: PodStatus = {
    ...old,
    phase: run.phase,
    conditions: [...ours, ...theirs],
    qosClass: qosClassOf(podSpec(pod)),
    containerStatuses: run.main.map(containerStatus),
  };
  if (run.init.length > 0) status.initContainerStatuses = run.init.map(containerStatus);
  if (run.hostIP) {
    status.hostIP = run.hostIP;
    status.hostIPs = [{ ip: run.hostIP }];
  }
  if (run.podIP) {
    status.podIP = run.podIP;
    status.podIPs = [{ ip: run.podIP }];
  }
  if (run.startTime) status.startTime = run.startTime;
  return status;
}
