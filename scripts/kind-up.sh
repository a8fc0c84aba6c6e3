#!/usr/bin/env bash
# Creates a kind cluster like CloudNativePG's e2e one (a control plane and three workers, from
# fixtures/kind-config.yaml) and installs the CloudNativePG operator from its release manifest.
# Needs Docker, a recent kind (the config uses per-node `labels`), kubectl and network access.
# Then run the sample specs against it:
#   KUBECONFIG=.cache/kind.kubeconfig npm run test:kind
set -euo pipefail

CNPG_VERSION="${CNPG_VERSION:-1.30.0}"
CLUSTER_NAME="${KIND_CLUSTER_NAME:-kubexpect}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KUBECONFIG_OUT="${KUBECONFIG_OUT:-$ROOT/.cache/kind.kubeconfig}"

for tool in docker kind kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "kind-up: '$tool' is not installed or not on PATH" >&2
    exit 1
  fi
done
if ! docker info >/dev/null 2>&1; then
  echo "kind-up: Docker is not running (docker info failed)" >&2
  exit 1
fi

mkdir -p "$(dirname "$KUBECONFIG_OUT")"
kind create cluster --name "$CLUSTER_NAME" --config "$ROOT/fixtures/kind-config.yaml" \
  --kubeconfig "$KUBECONFIG_OUT" --wait 5m
export KUBECONFIG="$KUBECONFIG_OUT"

# --server-side: the CRDs are larger than the client-side last-applied annotation allows.
minor="${CNPG_VERSION%.*}"
kubectl apply --server-side \
  -f "https://raw.githubusercontent.com/cloudnative-pg/cloudnative-pg/release-${minor}/releases/cnpg-${CNPG_VERSION}.yaml"
kubectl -n cnpg-system rollout status deployment/cnpg-controller-manager --timeout=5m

echo
echo "kind cluster '$CLUSTER_NAME' is ready with CloudNativePG $CNPG_VERSION."
echo "Run the sample specs against it:"
echo "  KUBECONFIG=$KUBECONFIG_OUT npm run test:kind"
echo "Delete it with: kind delete cluster --name $CLUSTER_NAME"
