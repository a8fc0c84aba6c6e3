#!/usr/bin/env bash
# Checks that kubexpect works on Node 22 with @kubernetes/client-node 2.x, without touching this
# checkout's dependencies: installs node@22 and a copy of the working tree (tracked and new files)
# with client-node@^2 in a scratch directory, then type-checks and runs the library tests and specs
# there. Needs only the npm registry. `--sim` also runs the simulator's tests (they use client-node
# as a client too). KUBEXPECT_COMPAT_DIR picks the scratch directory (reused between runs).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${KUBEXPECT_COMPAT_DIR:-${TMPDIR:-/tmp}/kubexpect-compat}
with_sim=false
for arg in "$@"; do
  case $arg in
    --sim) with_sim=true ;;
    *) echo "compat.sh: unknown argument $arg (only --sim is accepted)" >&2; exit 2 ;;
  esac
done

mkdir -p "$scratch/node22"
echo "compat: installing node@22 into $scratch/node22"
npm install --prefix "$scratch/node22" --no-audit --no-fund --loglevel=error node@22 >/dev/null
node22=""
for candidate in "$scratch"/node22/node_modules/node/bin/node "$scratch"/node22/node_modules/node/node_modules/node-*/bin/node; do
  if [ -x "$candidate" ] && "$candidate" -v 2>/dev/null | grep -q '^v22\.'; then
    node22=$candidate
    break
  fi
done
if [ -z "$node22" ]; then
  echo "compat: no runnable Node 22 binary in $scratch/node22/node_modules/node" >&2
  exit 1
fi
bin_dir=$(dirname "$node22")

echo "compat: copying the working tree to $scratch/repo"
rm -rf "$scratch/repo"
mkdir -p "$scratch/repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xf - -C "$scratch/repo"

cd "$scratch/repo"
export PATH="$bin_dir:$PATH"
echo "compat: npm ci, then @kubernetes/client-node@^2 (not saved)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
npm install --no-save --no-audit --no-fund --loglevel=error '@kubernetes/client-node@^2' >/dev/null
client_version=$(node -p "require('./node_modules/@kubernetes/client-node/package.json').version")
echo "compat: node $(node -v), @kubernetes/client-node $client_version"
case $client_version in
  2.*) ;;
  *) echo "compat: expected client-node 2.x, got $client_version" >&2; exit 1 ;;
esac

echo "compat: type-check"
npx tsc -p tsconfig.json

shopt -s nullglob globstar
files=()
for f in lib/**/*.test.ts specs/**/*.spec.ts; do
  case $f in lib/sim/*) $with_sim && files+=("$f") ;; *) files+=("$f") ;; esac
done
echo "compat: ${#files[@]} test files"
node node_modules/mocha/bin/mocha.js --no-config -n import=tsx -n conditions=kubexpect-source \
  --timeout 60000 --reporter dot "${files[@]}"
