/**
 * The workload of the drain scenario, as a simulated controller acting only through the Api: when
 * a registered pod is deleted it creates it again from its template under the same name, as
 * CloudNativePG recreates an evicted instance. `pin: true` plays a buggy operator that puts the
 * new instance straight back on the node the old one ran on (a negative control). Only registered
 * namespaces are served, so a finished run's namespace can go without its pod coming back.
 */
import type { Controller, SimRuntime } from '../../lib/sim/controllers/runtime.ts';

export interface PodTemplate {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface Workload {
  template: PodTemplate;
  pin: boolean;
}

export interface PodRecreator extends Controller {
  /** Workloads by namespace. */
  readonly workloads: Map<string, Workload>;
}

/** `delayMs`: realistic ms from the deletion to the new pod (the operator's reaction time). */
export function podRecreator(delayMs: { min: number; max: number }): PodRecreator {
  const workloads = new Map<string, Workload>();
  return {
    name: 'truth-pod-recreator',
    workloads,
    start(runtime: SimRuntime) {
      const pods = runtime.api.resource('', 'pods');
      runtime.informer('', 'pods').on((type, obj) => {
        const ns = obj.metadata.namespace ?? '';
        const workload = workloads.get(ns);
        if (type !== 'DELETED' || !workload || obj.metadata.name !== workload.template.metadata.name) return;
        const node = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
        runtime.after(runtime.jitter(delayMs.min, delayMs.max), () => {
          if (workloads.get(ns) !== workload) return;
          const { template } = workload;
          try {
            runtime.api.create(pods, ns, {
              metadata: template.metadata,
              spec: workload.pin && node ? { ...template.spec, nodeName: node } : template.spec,
            });
          } catch (err) {
            runtime.reportError('truth-pod-recreator', `${ns}/${template.metadata.name}`, err);
          }
        });
      }, false);
    },
  };
}
