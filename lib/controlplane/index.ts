/**
 * kubexpect/controlplane: a real Kubernetes control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, with kwok as the kubelets) started from binaries, for
 * tests that must meet the real thing.
 */
export {
  type ControlPlane,
  type ComponentName,
  type ControlPlaneOptions,
  ControlPlaneStartError,
  startControlPlane,
} from './start.ts';
export { type Binaries, CONTROLPLANE_ENV, REQUIRED_BINARIES, resolveBinaries } from './binaries.ts';
export {
  CONTROLPLANE_PRESETS,
  type ControlPlanePreset,
  MOVABLE_CLASS,
  PINNED_CLASS,
} from './objects.ts';
