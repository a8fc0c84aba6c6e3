#!/usr/bin/env bash
# Runs a command with CPU-bound processes beside it, as on a shared CI machine:
#   scripts/cpu-burners.sh [-n BURNERS] [-t MAX_SECONDS] -- COMMAND [ARGS...]
# e.g. scripts/cpu-burners.sh -n 5 -- npm test
# Each burner is `node -e 'for(;;){}'` under `timeout MAX_SECONDS` (default 1800), so none outlives
# a crashed shell; they are stopped by their own PIDs when COMMAND ends. The script prints the load
# average before and after, the wall time and COMMAND's exit status, and exits with that status.
set -euo pipefail

burners=5
max_seconds=1800
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) burners="$2"; shift 2 ;;
    -t) max_seconds="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n BURNERS] [-t MAX_SECONDS] -- COMMAND [ARGS...]" >&2; exit 2 ;;
  esac
done
if [[ $# -eq 0 ]] || ! [[ "$burners" =~ ^[0-9]+$ ]] || ! [[ "$max_seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [-n BURNERS] [-t MAX_SECONDS] -- COMMAND [ARGS...] (BURNERS >= 0, MAX_SECONDS >= 1)" >&2
  exit 2
fi

pids=()
stop_burners() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap stop_burners EXIT INT TERM

for ((i = 0; i < burners; i++)); do
  timeout "$max_seconds" node -e 'for(;;){}' &
  pids+=("$!")
done

echo "cpu-burners: ${burners} burner(s) for at most ${max_seconds}s on $(nproc) core(s); load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2
start=$(date +%s)
status=0
"$@" || status=$?
end=$(date +%s)
echo "cpu-burners: exit ${status} after $((end - start))s; load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2
exit "$status"
