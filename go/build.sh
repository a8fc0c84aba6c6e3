#!/usr/bin/env bash
# Builds the real control plane's binaries (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, etcd, kwok) from their published Go modules, once per
# go.sum: the result is cached outside the repository and reused in seconds.
#
#   go/build.sh            build if needed; print the folder holding the binaries
#   go/build.sh --print    print that folder without building (exit 1 if incomplete)
#
# KUBEXPECT_CACHE_DIR moves the cache (default: $XDG_CACHE_HOME or ~/.cache, then kubexpect/).
# A cold build on 2 cores takes roughly 15-30 minutes; progress is printed as it goes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kube_version=v1.36.3
kwok_version=v0.8.0

key=$(cat "$here/build.sh" "$here"/kube/go.mod "$here"/kube/go.sum "$here"/etcd/go.mod "$here"/etcd/go.sum \
  "$here"/kwok/go.mod "$here"/kwok/go.sum | sha256sum | cut -c1-16)
cache_root=${KUBEXPECT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubexpect}
out="$cache_root/controlplane/$key"
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

complete() {
  for b in "${binaries[@]}"; do [ -x "$out/$b" ] || return 1; done
  [ -f "$out/kwok-stages.yaml" ]
}

if [ "${1:-}" = "--print" ]; then
  complete || { echo "control-plane binaries not built yet: run go/build.sh" >&2; exit 1; }
  echo "$out"; exit 0
fi
if complete; then echo "$out"; exit 0; fi

command -v go >/dev/null || { echo "go/build.sh needs Go 1.26 or newer on PATH" >&2; exit 1; }
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod
staging="$out.partial.$$"
rm -rf "$staging"; mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
started=$SECONDS

# go build -v names each package as it compiles it: print every 100th so a cold build shows progress.
progress() {
  awk -v what="$1" -v t0="$started" '{ n++; if (n % 100 == 0) { printf "  %s: %d packages compiled (%ds)\n", what, n, systime() - t0; fflush() } }
    END { printf "  %s: %d packages compiled\n", what, n }' t0="$(date +%s)"
}

build() { # build NAME MODULE_DIR LDFLAGS PACKAGE...
  local name=$1 dir=$2 ldflags=$3; shift 3
  echo "building $name ($*) ..." >&2
  (cd "$here/$dir" && go build -v -trimpath -tags selinux,notest,grpcnotrace -ldflags "-s -w $ldflags" -o "$staging/" "$@") \
    2>&1 | progress "$name" >&2
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "go/build.sh: building $name failed" >&2; exit 1; }
}

minor=${kube_version#v1.}; minor=${minor%%.*}
build_date=2026-01-01T00:00:00Z
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

build etcd etcd "" go.etcd.io/etcd/server/v3
# go build names a major-version module's binary after the element before /v3: "server".
mv "$staging/server" "$staging/etcd"
build kwok kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${kube_version#v}" \
  sigs.k8s.io/kwok/cmd/kwok
build kubernetes kube "$version_flags" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl

# kwok's default stages (kustomize/stage/fast, what kwokctl runs: node initialise and lease
# heartbeat, pod ready, complete and delete) are data in its module: take them from the module
# cache, as the version go.sum pins. (pod/general's pod-ready waits for an Initialized condition
# that only its pod-create stage sets, so pods would never start without the whole general set.)
stages=$(cd "$here/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
  pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  cat "$stages/$f"; printf '\n---\n'
done > "$staging/kwok-stages.yaml"

rm -rf "$out"; mv "$staging" "$out"; trap - EXIT
echo "control-plane binaries built in $((SECONDS - started))s: $out" >&2
echo "$out"
