#!/usr/bin/env bash
# Load test of the cluster: 1 silo, then 3 silos (one machine, localhost clustering), each at a fixed moderate rate and
# at saturation, through the standalone HTTP gateway and through the first silo's own HTTP API (Cluster:HttpApi).
# Appends rows to OUT (Markdown) via bench/FitCluster.LoadTest.
# Usage: [PROFILE=low-latency] bench/cluster-load.sh ARTIFACT_DIR OUT.md [RATE] [CONCURRENCY] [DURATION]
# PROFILE=low-latency runs silos and gateway as `./fit silo --low-latency` does (idle thread-pool workers spin for work).
# Build first (./fit build). Stop other CPU work: 2 cores are easily disturbed.
set -euo pipefail
PROFILE="${PROFILE:-default}"
case "$PROFILE" in
  default) ;;
  low-latency) export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=10000 ;; # hexadecimal: 65,536 spins
  *) echo "PROFILE must be default or low-latency" >&2; exit 2 ;;
esac
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACT="$(cd "$1" && pwd)"; OUT="$2"; RATE="${3:-100}"; CONCURRENCY="${4:-4}"; DURATION="${5:-30s}"
SILO="$REPO/Silo/bin/Release/net10.0/FitCluster.Silo.dll"
# SHARDS: Ranking:ShardCount; 2 (one per core of the 2-core machine) as in the published rounds.
SHARDS="${SHARDS:-2}"
CLIENT="$REPO/Client/bin/Release/net10.0/FitCluster.Client.dll"
LOAD="$REPO/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll"
LOGS="$(mktemp -d)"
pids=()
stop_all() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done; pids=(); }
trap stop_all EXIT

wait_ready() {
  for _ in $(seq 1 120); do
    if curl -sf "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "not ready: $1 (logs in $LOGS)" >&2; exit 1
}

run_set() {
  local silos="$1" label="$2"
  for i in $(seq 0 $((silos - 1))); do
    dotnet "$SILO" "--Ranking:ArtifactRoot=$ARTIFACT" "--Ranking:ShardCount=$SHARDS" "--Cluster:SiloPort=$((11111 + i))" "--Cluster:GatewayPort=$((30000 + i))" \
      "--Urls=http://127.0.0.1:$((5080 + i))" >"$LOGS/silo$i.log" 2>&1 & pids+=($!)
    wait_ready "http://127.0.0.1:$((5080 + i))/health/ready"
  done
  dotnet "$CLIENT" gateway --urls http://127.0.0.1:8080 >"$LOGS/gateway.log" 2>&1 & pids+=($!)
  wait_ready http://127.0.0.1:8080/v1/models
  for front in "gateway http://127.0.0.1:8080" "silo API http://127.0.0.1:5080"; do
    local name="${front% *}" url="${front##* }"
    # The load generator keeps the runtime's default spin whatever the profile: only the system under test changes.
    env -u DOTNET_ThreadPool_UnfairSemaphoreSpinLimit dotnet "$LOAD" --url "$url" --artifact "$ARTIFACT" --rate "$RATE" \
      --duration "$DURATION" --warmup 10s --label "$label, $name, $PROFILE profile" --out "$OUT"
    env -u DOTNET_ThreadPool_UnfairSemaphoreSpinLimit dotnet "$LOAD" --url "$url" --artifact "$ARTIFACT" --concurrency "$CONCURRENCY" \
      --duration "$DURATION" --warmup 10s --label "$label, $name, $PROFILE profile" --out "$OUT"
  done
  stop_all
}

run_set 1 "1 silo"
run_set 3 "3 silos (one machine)"
echo "results appended to $OUT; process logs in $LOGS"
