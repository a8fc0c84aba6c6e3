/**
 * The one place that says which controllers a preset cluster runs. Every preset runs the same
 * set; what differs between presets is data (nodes, classes, drivers, latencies, provisioners).
 */
import { cnpgController } from '../controllers/cnpg/index.ts';
import { cronJobController } from '../controllers/cronjob.ts';
import { daemonSetController } from '../controllers/daemonset.ts';
import { deploymentController } from '../controllers/deployment.ts';
import { disruptionController } from '../controllers/disruption.ts';
import { endpointsController } from '../controllers/endpoints.ts';
import { endpointSliceController } from '../controllers/endpointslice.ts';
import { garbageCollector } from '../controllers/garbage-collector.ts';
import { jobController } from '../controllers/job.ts';
import { kubelet } from '../controllers/kubelet.ts';
import { resolveLatencies } from '../controllers/latencies.ts';
import { namespaceLifecycle } from '../controllers/namespace-lifecycle.ts';
import { nodeLifecycle } from '../controllers/node-lifecycle.ts';
import { replicaSetController } from '../controllers/replicaset.ts';
import { resourceQuotaController } from '../controllers/resourcequota.ts';
import type { Controller } from '../controllers/runtime.ts';
import { scheduler } from '../controllers/scheduler.ts';
import { serviceAccountController } from '../controllers/serviceaccounts.ts';
import { statefulSetController } from '../controllers/statefulset.ts';
import { taintEvictionController } from '../controllers/taint-eviction.ts';
import { storageControllers } from '../controllers/storage/index.ts';
import type { Preset } from './types.ts';

export function presetControllers(preset: Preset): Controller[] {
  const latencies = resolveLatencies(preset.latencies);
  return [
    nodeLifecycle({ latencies }),
    taintEvictionController(),
    scheduler({ latencies }),
    kubelet({ latencies }),
    garbageCollector({ latencies }),
    namespaceLifecycle({ latencies }),
    serviceAccountController(),
    jobController({ latencies }),
    cronJobController({ latencies }),
    daemonSetController({ latencies }),
    replicaSetController({ latencies }),
    deploymentController({ latencies }),
    statefulSetController({ latencies }),
    ...storageControllers(preset.storage).controllers,
    disruptionController(preset.disruption),
    endpointsController(),
    endpointSliceController(),
    resourceQuotaController(),
    cnpgController(preset.cnpg),
  ];
}
