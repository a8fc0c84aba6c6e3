#!/usr/bin/env bash
# npm run test:real: the tests that must meet a real control plane. Builds (once; cached by
# go.sum) or reuses kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kubectl and kwok
# with go/build.sh, then runs the API-facing tests against real control planes
# (KUBEXPECT_TEST_TARGET=controlplane: sim-only tests are listed as pending) and the real-only
# checks (*.real.test.ts). A folder of binaries of your own: KUBEXPECT_CONTROLPLANE_BIN=DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${KUBEXPECT_CONTROLPLANE_BIN:-}" ]; then
  started=$SECONDS
  echo "test:real: control-plane binaries from go/build.sh (a cold build takes 15-30 minutes on 2 cores; later runs reuse the cache) ..." >&2
  KUBEXPECT_CONTROLPLANE_BIN=$(go/build.sh)
  echo "test:real: binaries ready in $((SECONDS - started))s: $KUBEXPECT_CONTROLPLANE_BIN" >&2
fi
export KUBEXPECT_CONTROLPLANE_BIN
export KUBEXPECT_TEST_TARGET=controlplane
"$KUBEXPECT_CONTROLPLANE_BIN/kube-apiserver" --version >&2

# scripts/mocharc.real.json lists the files; nothing is retried (a retry hid one real start-up
# failure in thirty, a malformed certificate serial; BENCHMARKS.md has the runs without retries).
# "$@" passes extra mocha arguments, e.g. npm run test:real -- --grep toBePending
npx mocha --config scripts/mocharc.real.json "$@"
npm run differential # simulator vs real: writes reports/differential.md, prints the agreement line
# The seed race with a StatefulSet, on a real control plane per storage behaviour (kind: pinned PVs, cloud: movable PVs)
KUBEXPECT_CLUSTER=controlplane npx mocha --no-parallel specs/drain-statefulset.spec.ts
# Verdict truth on real control planes (100 runs per storage behaviour); fails on a wrong kubexpect verdict
npm run truth:real
