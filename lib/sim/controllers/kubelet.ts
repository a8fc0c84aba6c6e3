/**
 * The kubelets of every node, as one controller. A pod bound to a node goes through what a real
 * kubelet reports: ContainerCreating while its volumes bind and attach, sandbox, image pulls, init
 * containers, containers started, Running, Ready after the readiness delay; run-to-completion pods
 * finish; a pod marked for deletion is stopped (Killing) and deleted with grace 0 once its
 * containers exit, or when its grace period runs out. Every write goes through the Api; whether
 * volumes are ready is the rule the storage controllers share (./storage/volumes-ready.ts), and
 * the status it reports is composed in ./kubelet-status.ts.
 */
import { StatusError } from '../api/errors.ts';
import type { ResourceType } from '../api/resource.ts';
import { type KObject, timestamp } from '../api/types.ts';
import {
  type Container,
  type PodCondition,
  claimNames,
  isTerminal,
  nodeSpec,
  nodeStatus,
  podSpec,
  podStatus,
} from './kube-types.ts';
import { containerConfigError } from './container-config.ts';
import { addressInCidr, goDuration, imageSizeOf, normalizedImage, pullPolicyOf } from './kubelet-facts.ts';
import { drawLatency, type Latencies, type Latency } from './latencies.ts';
import { isNodeDown } from './node-lifecycle.ts';
import { type Controller, type SimRuntime, keyOf, splitKey } from './runtime.ts';
import {
  type ContainerRun,
  type PodRun,
  setInitializedCondition,
  setReadinessConditions,
  setRunCondition,
  statusFor,
} from './kubelet-status.ts';
import { initStableRandom, stableHex } from './stable-random.ts';
import { onVolumeReadinessChange, volumeLookupsFrom, volumesReadyFor } from './storage/volumes-ready.ts';

export interface KubeletOptions {
  latencies: Latencies;
}

/** Annotations a spec can set on a pod to steer its simulated containers. */
export const SIM_EXIT_CODE = 'sim.kubexpect.io/exit-code';
export const SIM_RUN_SECONDS = 'sim.kubexpect.io/run-seconds';
/** "fail" makes every image pull of the pod fail (ErrImagePull, ImagePullBackOff) until it is removed. */
export const SIM_IMAGE_PULL = 'sim.kubexpect.io/image-pull';
/** "false" makes the pod's readiness probes fail (Ready=False) until it is removed or set to "true". */
export const SIM_READY = 'sim.kubexpect.io/ready';

export function kubelet(options: KubeletOptions): Controller {
  const lat = options.latencies;
  return {
    name: 'kubelet',
    start(runtime: SimRuntime) {
      initStableRandom(runtime);
      const api = runtime.api;
      const podsRt: ResourceType = api.resource('', 'pods');
      const pods = runtime.informer('', 'pods');
      const nodes = runtime.informer('', 'nodes');
      const volumes = volumeLookupsFrom(runtime);
      const runs = new Map<string, PodRun>();
      const incarnations = new Map<string, number>();
      const images = new Map<string, Set<string>>();
      const nextAddress = new Map<string, number>();

      const queue = runtime.queue('kubelet', (key) => reconcile(key));
      pods.on((type, pod) => {
        if (type === 'DELETED') forget(keyOf(pod));
        else if (podSpec(pod).nodeName) queue.add(keyOf(pod));
      });
      onVolumeReadinessChange(runtime, (pod) => {
        if (runs.get(keyOf(pod))?.stage === 'volumes') queue.add(keyOf(pod));
      });
      /** Work due on a node whose kubelet is down, resumed when it is back. */
      const parked = new Map<string, (() => void)[]>();
      nodes.on((type, node) => {
        const name = node.metadata.name!;
        if (type === 'DELETED' || isNodeDown(node)) return;
        const resumed = parked.get(name) ?? [];
        parked.delete(name);
        for (const fn of resumed) fn();
        for (const run of runs.values())
          if (run.node === name && run.stage === 'running') reassertReadiness(run);
        for (const pod of pods.list()) if (podSpec(pod).nodeName === name) queue.add(keyOf(pod));
      }, false);

      const source = (run: PodRun) => ({ component: 'kubelet', host: run.node });
      const draw = (run: PodRun, latency: Latency, ...step: string[]) =>
        drawLatency(runtime, latency, run.key, String(run.incarnation), ...step);

      function schedule(run: PodRun, realisticMs: number, fn: () => void): void {
        const step = () => {
          if (runs.get(run.key) !== run) return;
          if (isNodeDown(nodes.get(undefined, run.node))) {
            parked.set(run.node, [...(parked.get(run.node) ?? []), step]);
            return;
          }
          try {
            fn();
          } catch (err) {
            runtime.reportError('kubelet', run.key, err);
          }
        };
        const cancel = runtime.after(realisticMs, () => {
          run.timers.delete(cancel);
          step();
        });
        run.timers.add(cancel);
      }

      /** After an outage the node controller may have marked the pod not Ready; the kubelet says otherwise. */
      function reassertReadiness(run: PodRun): void {
        const pod = current(run);
        if (!pod) return;
        const seen = podStatus(pod).conditions?.find((c) => c.type === 'Ready')?.status;
        if (seen === run.conditions.get('Ready')?.status) return;
        run.conditions.delete('Ready');
        readinessConditions(run);
        writeStatus(run);
      }

      function cancelAll(run: PodRun): void {
        for (const cancel of run.timers) cancel();
        run.timers.clear();
        run.mountTimer?.();
        run.mountTimer = undefined;
      }

      function forget(key: string): void {
        const run = runs.get(key);
        if (run) cancelAll(run);
        runs.delete(key);
      }

      function current(run: PodRun): KObject | undefined {
        const { namespace, name } = splitKey(run.key);
        const pod = api.find(podsRt, namespace, name);
        return pod && pod.metadata.uid === run.uid ? pod : undefined;
      }

      function reconcile(key: string): void {
        const { namespace, name } = splitKey(key);
        const pod = pods.get(namespace, name);
        if (!pod) {
          forget(key);
          return;
        }
        const nodeName = podSpec(pod).nodeName;
        const node = nodeName ? nodes.get(undefined, nodeName) : undefined;
        // A node whose kubelet is down reports nothing; its pods wait for it to come back.
        if (!nodeName || !node || isNodeDown(node)) return;
        let run = runs.get(key);
        if (!run || run.uid !== pod.metadata.uid) {
          if (run) cancelAll(run);
          run = newRun(key, pod, nodeName);
          runs.set(key, run);
          if (isTerminal(pod)) run.stage = 'finished';
          else schedule(run, draw(run, lat.kubeletSync, 'sync'), () => firstSync(run!));
        }
        if (pod.metadata.deletionTimestamp) {
          if (run.stage !== 'stopping' && run.stage !== 'stopped') stop(run, pod);
          return;
        }
        if (run.stage === 'volumes') checkVolumes(run, pod);
        if (run.stage === 'running' && run.probing) applyReadiness(run, pod);
      }

      function newRun(key: string, pod: KObject, node: string): PodRun {
        const incarnation = (incarnations.get(key) ?? 0) + 1;
        incarnations.set(key, incarnation);
        const spec = podSpec(pod);
        const containerRun = (c: Container): ContainerRun => ({
          spec: c,
          state: {
            waiting: {
              reason: (spec.initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating',
            },
          },
          lastState: {},
          ready: false,
          started: false,
          restartCount: 0,
          imageResolved: false,
        });
        const init = (spec.initContainers ?? []).map((c) => ({
          ...containerRun(c),
          state: { waiting: { reason: 'PodInitializing' } },
        }));
        return {
          key,
          uid: pod.metadata.uid!,
          incarnation,
          node,
          stage: 'sync',
          phase: 'Pending',
          init,
          main: (spec.containers ?? []).map(containerRun),
          conditions: new Map(),
          timers: new Set(),
        };
      }

      const now = () => timestamp(api.now());
      const setCondition = (
        run: PodRun,
        type: string,
        status: PodCondition['status'],
        reason?: string,
        message?: string,
      ) => setRunCondition(run, now(), type, status, reason, message);
      const readinessConditions = (run: PodRun) => setReadinessConditions(run, now());
      const initializedCondition = (run: PodRun) => setInitializedCondition(run, now());

      /** Writes the run's view of the pod to pods/status, keeping conditions other writers own. */
      function writeStatus(run: PodRun): void {
        const pod = current(run);
        if (!pod) return;
        const { namespace, name } = splitKey(run.key);
        api.update(
          podsRt,
          namespace,
          name,
          { ...pod, status: statusFor(run, pod) },
          { subresource: 'status', fieldManager: 'kubelet' },
        );
      }

      function firstSync(run: PodRun): void {
        const node = nodes.get(undefined, run.node);
        run.hostIP = nodeStatus(node ?? { metadata: {} }).addresses?.find(
          (a) => a.type === 'InternalIP',
        )?.address;
        run.startTime = timestamp(api.now());
        run.stage = 'volumes';
        setCondition(run, 'PodReadyToStartContainers', 'False');
        initializedCondition(run);
        readinessConditions(run);
        writeStatus(run);
        const pod = current(run);
        if (pod) checkVolumes(run, pod);
      }

      function checkVolumes(run: PodRun, pod: KObject): void {
        const readiness = volumesReadyFor(pod, volumes);
        if (!readiness.ready) {
          if (!run.mountTimer) armMountTimeout(run);
          return;
        }
        run.mountTimer?.();
        run.mountTimer = undefined;
        run.stage = 'starting';
        const mounted = claimNames(pod).length > 0 ? draw(run, lat.volumeMount, 'mount') : 0;
        schedule(run, mounted + draw(run, lat.sandbox, 'sandbox'), () => sandboxReady(run));
      }

      function armMountTimeout(run: PodRun): void {
        const wait = draw(run, lat.mountTimeout, 'mountTimeout');
        run.mountTimer = runtime.after(wait, () => {
          run.mountTimer = undefined;
          const pod = current(run);
          if (!pod || runs.get(run.key) !== run || run.stage !== 'volumes') return;
          if (isNodeDown(nodes.get(undefined, run.node))) {
            armMountTimeout(run);
            return;
          }
          const readiness = volumesReadyFor(pod, volumes);
          if (readiness.ready) return;
          const waiting = [...new Set([...readiness.unbound, ...readiness.unattached])].sort().join(' ');
          runtime.events.record(
            pod,
            'Warning',
            'FailedMount',
            `Unable to attach or mount volumes: unmounted volumes=[${waiting}], unattached volumes=[${waiting}], failed to process volumes=[]: timed out waiting for the condition`,
            source(run),
          );
          armMountTimeout(run);
        });
      }

      function allocateAddress(run: PodRun): string | undefined {
        const node = nodes.get(undefined, run.node);
        if (!node) return undefined;
        let cidr = nodeSpec(node).podCIDR;
        if (!cidr) {
          const index = nodes
            .list()
            .map((n) => n.metadata.name!)
            .sort()
            .indexOf(run.node);
          cidr = `10.244.${Math.max(0, index)}.0/24`;
        }
        const n = nextAddress.get(run.node) ?? 0;
        nextAddress.set(run.node, n + 1);
        return addressInCidr(cidr, n);
      }

      function sandboxReady(run: PodRun): void {
        run.podIP = podSpec(current(run) ?? { metadata: {} }).hostNetwork ? run.hostIP : allocateAddress(run);
        setCondition(run, 'PodReadyToStartContainers', 'True');
        writeStatus(run);
        runInit(run, 0);
      }

      function runInit(run: PodRun, index: number): void {
        if (index >= run.init.length) {
          initializedCondition(run);
          for (const c of run.main) c.state = { waiting: { reason: 'ContainerCreating' } };
          if (run.init.length > 0) writeStatus(run);
          startMain(run, 0);
          return;
        }
        const c = run.init[index]!;
        startContainer(run, c, `init-${index}`, () => {
          schedule(run, draw(run, lat.initContainerRun, 'init-run', String(index)), () => {
            const startedAt = c.state.running?.startedAt;
            c.state = {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                ...(startedAt ? { startedAt } : {}),
                finishedAt: timestamp(api.now()),
                containerID: c.containerID!,
              },
            };
            c.started = false;
            writeStatus(run);
            runInit(run, index + 1);
          });
        });
      }

      function startMain(run: PodRun, index: number): void {
        if (index >= run.main.length) {
          run.phase = 'Running';
          run.stage = 'running';
          readinessConditions(run);
          writeStatus(run);
          afterStart(run);
          return;
        }
        startContainer(run, run.main[index]!, `main-${index}`, () => startMain(run, index + 1));
      }

      /** Pull (or find) the image, create and start one container, with the kubelet's events. */
      function startContainer(run: PodRun, c: ContainerRun, step: string, then: () => void): void {
        const pod = current(run);
        if (!pod) return;
        const nodeImages = images.get(run.node) ?? new Set<string>();
        images.set(run.node, nodeImages);
        const image = c.spec.image;
        const listed = (
          nodes.get(undefined, run.node)?.status as { images?: { names?: string[] }[] } | undefined
        )?.images;
        const present =
          nodeImages.has(normalizedImage(image)) ||
          (listed ?? []).some((i) => (i.names ?? []).includes(normalizedImage(image)));
        const policy = pullPolicyOf(c.spec);
        let configAttempt = 0;
        const create = (): void =>
          schedule(run, draw(run, lat.containerCreate, 'create', step), () => {
            const p = current(run);
            if (!p) return;
            const configError = containerConfigError(api, p, c.spec as unknown as Record<string, unknown>);
            if (configError) {
              runtime.events.record(p, 'Warning', 'Failed', `Error: ${configError}`, source(run));
              c.state = { waiting: { reason: 'CreateContainerConfigError', message: configError } };
              writeStatus(run);
              schedule(run, draw(run, lat.kubeletSync, 'config', step, String(configAttempt++)), create);
              return;
            }
            c.containerID = `containerd://${stableHex(runtime, 32, run.key, String(run.incarnation), step, String(c.restartCount))}`;
            c.imageResolved = true;
            runtime.events.record(p, 'Normal', 'Created', `Created container: ${c.spec.name}`, source(run));
            schedule(run, draw(run, lat.containerStart, 'start', step), () => {
              const q = current(run);
              if (!q) return;
              runtime.events.record(q, 'Normal', 'Started', `Started container ${c.spec.name}`, source(run));
              c.state = { running: { startedAt: timestamp(api.now()) } };
              c.started = true;
              // The kubelet's phase: Running once no main container is still waiting (getPhase), in the
              // same status write that shows the last one running — never Pending with all of them up.
              if (run.main.includes(c) && run.main.every((m) => !m.state.waiting)) run.phase = 'Running';
              writeStatus(run);
              then();
            });
          });
        if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
          runtime.events.record(
            pod,
            'Normal',
            'Pulled',
            `Container image "${image}" already present on machine`,
            source(run),
          );
          create();
          return;
        }
        pull(run, c, step, present, 0, () => {
          nodeImages.add(normalizedImage(image));
          create();
        });
      }

      /**
       * Pulls an image, with the kubelet's events. A pod annotated `sim.kubexpect.io/image-pull: fail`
       * cannot pull: ErrImagePull, then ImagePullBackOff with the kubelet's doubling back-off (10 s
       * to 5 min), retried until the annotation is gone.
       */
      function pull(
        run: PodRun,
        c: ContainerRun,
        step: string,
        present: boolean,
        attempt: number,
        then: () => void,
      ): void {
        const pod = current(run);
        if (!pod) return;
        const image = c.spec.image;
        runtime.events.record(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, source(run));
        // Layers already on the node make a re-pull (policy Always) quick.
        const pullMs = draw(run, lat.imagePull, 'pull', step, String(attempt)) * (present ? 0.1 : 1);
        schedule(run, pullMs, () => {
          const p = current(run);
          if (!p) return;
          if (p.metadata.annotations?.[SIM_IMAGE_PULL] === 'fail') {
            const ref = normalizedImage(image);
            const cause = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
            runtime.events.record(
              p,
              'Warning',
              'Failed',
              `Failed to pull image "${image}": ${cause}`,
              source(run),
            );
            runtime.events.record(p, 'Warning', 'Failed', 'Error: ErrImagePull', source(run));
            c.state = { waiting: { reason: 'ErrImagePull', message: cause } };
            writeStatus(run);
            const backOffMs = Math.min(300_000, 10_000 * 2 ** attempt);
            schedule(run, draw(run, lat.kubeletSync, 'backoff', step, String(attempt)), () => {
              const q = current(run);
              if (!q) return;
              runtime.events.record(q, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, source(run));
              runtime.events.record(q, 'Warning', 'Failed', 'Error: ImagePullBackOff', source(run));
              c.state = {
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: `Back-off pulling image "${image}": ErrImagePull: ${cause}`,
                },
              };
              writeStatus(run);
              schedule(run, backOffMs, () => pull(run, c, step, present, attempt + 1, then));
            });
            return;
          }
          const took = goDuration(pullMs);
          runtime.events.record(
            p,
            'Normal',
            'Pulled',
            `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSizeOf(image)} bytes.`,
            source(run),
          );
          then();
        });
      }

      function afterStart(run: PodRun): void {
        const pod = current(run);
        if (!pod) return;
        const delay = Math.max(
          0,
          ...run.main.map((c) => (c.spec.readinessProbe?.initialDelaySeconds ?? 0) * 1000),
        );
        schedule(run, delay + draw(run, lat.readiness, 'ready'), () => {
          if (run.stage !== 'running') return;
          run.probing = true;
          applyReadiness(run, current(run));
        });
        const restartPolicy = podSpec(pod).restartPolicy ?? 'Always';
        // Long-running containers run until told otherwise: an exit code makes them exit (and crash-loop).
        if (restartPolicy !== 'Always' || pod.metadata.annotations?.[SIM_EXIT_CODE] !== undefined) {
          scheduleCompletion(run, pod);
        }
      }

      /** Readiness as the probes would report it: running containers are ready unless the pod says otherwise. */
      function applyReadiness(run: PodRun, pod: KObject | undefined): void {
        if (!pod) return;
        const ready = pod.metadata.annotations?.[SIM_READY] !== 'false';
        let changed = false;
        for (const c of run.main) {
          const next = ready && !!c.state.running;
          if (c.ready !== next) changed = true;
          c.ready = next;
        }
        if (!changed && run.conditions.get('Ready')?.status === (ready ? 'True' : 'False')) return;
        readinessConditions(run);
        writeStatus(run);
      }

      function scheduleCompletion(run: PodRun, pod: KObject): void {
        const annotations = pod.metadata.annotations ?? {};
        const seconds = Number(annotations[SIM_RUN_SECONDS]);
        const runMs =
          Number.isFinite(seconds) && seconds >= 0 && annotations[SIM_RUN_SECONDS] !== undefined
            ? seconds * 1000
            : draw(run, lat.jobRun, 'run', String(run.main[0]?.restartCount ?? 0));
        const exitCode = Number.parseInt(annotations[SIM_EXIT_CODE] ?? '0', 10) || 0;
        schedule(run, runMs, () => {
          if (run.stage !== 'running') return;
          const finishedAt = timestamp(api.now());
          for (const c of run.main) {
            const startedAt = c.state.running?.startedAt;
            c.state = {
              terminated: {
                exitCode,
                reason: exitCode === 0 ? 'Completed' : 'Error',
                ...(startedAt ? { startedAt } : {}),
                finishedAt,
                containerID: c.containerID!,
              },
            };
            c.ready = false;
            c.started = false;
          }
          const restartPolicy = podSpec(pod).restartPolicy ?? 'Always';
          if (restartPolicy === 'Always' || (exitCode !== 0 && restartPolicy === 'OnFailure')) {
            crashLoop(run);
            return;
          }
          run.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
          run.stage = 'finished';
          readinessConditions(run);
          writeStatus(run);
        });
      }

      /**
       * The kubelet restarts exited containers in place after a back-off that doubles from 10 s to
       * 5 min (CrashLoopBackOff); the pod stays Running, not Ready, its restartCount growing.
       */
      function crashLoop(run: PodRun): void {
        const pod = current(run);
        if (!pod) return;
        const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
        const restarts = run.main[0]?.restartCount ?? 0;
        const backOffMs = Math.min(300_000, 10_000 * 2 ** restarts);
        for (const c of run.main) {
          c.lastState = c.state;
          c.state = {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${goDuration(backOffMs)} restarting failed container=${c.spec.name} pod=${podRef}`,
            },
          };
          runtime.events.record(
            pod,
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${c.spec.name} in pod ${podRef}`,
            source(run),
          );
        }
        readinessConditions(run);
        writeStatus(run);
        schedule(run, backOffMs, () => {
          const p = current(run);
          if (!p) return;
          const startedAt = timestamp(api.now());
          run.main.forEach((c, i) => {
            c.restartCount += 1;
            c.containerID = `containerd://${stableHex(runtime, 32, run.key, String(run.incarnation), `main-${i}`, String(c.restartCount))}`;
            runtime.events.record(
              p,
              'Normal',
              'Pulled',
              `Container image "${c.spec.image}" already present on machine`,
              source(run),
            );
            runtime.events.record(p, 'Normal', 'Created', `Created container: ${c.spec.name}`, source(run));
            runtime.events.record(p, 'Normal', 'Started', `Started container ${c.spec.name}`, source(run));
            c.state = { running: { startedAt } };
            c.started = true;
          });
          writeStatus(run);
          afterStart(run);
        });
      }

      function stop(run: PodRun, pod: KObject): void {
        cancelAll(run);
        const running = run.main.filter((c) => c.state.running);
        run.stage = 'stopping';
        const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
        if (running.length === 0) {
          schedule(run, Math.min(graceMs, draw(run, lat.kubeletSync, 'stop-sync')), () => remove(run));
          return;
        }
        for (const c of running) {
          runtime.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.spec.name}`, source(run));
          c.ready = false;
        }
        readinessConditions(run);
        writeStatus(run);
        const stopMs = draw(run, lat.containerStop, 'stop');
        const killed = stopMs >= graceMs;
        schedule(run, Math.min(stopMs, graceMs), () => {
          const finishedAt = timestamp(api.now());
          for (const c of running) {
            const startedAt = c.state.running?.startedAt;
            c.state = {
              terminated: {
                exitCode: killed ? 137 : 0,
                reason: killed ? 'Error' : 'Completed',
                ...(startedAt ? { startedAt } : {}),
                finishedAt,
                containerID: c.containerID!,
              },
            };
            c.started = false;
          }
          run.phase = killed ? 'Failed' : 'Succeeded';
          readinessConditions(run);
          writeStatus(run);
          remove(run);
        });
      }

      function remove(run: PodRun): void {
        run.stage = 'stopped';
        const { namespace, name } = splitKey(run.key);
        try {
          api.delete(podsRt, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: run.uid } });
        } catch (err) {
          if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    },
  };
}
