#!/usr/bin/env bash
# Repeated fixed-rate runs against one silo's own HTTP API, the default and the low-latency profile alternating, a fresh
# silo process per run (so runs are independent): the run-to-run spread on a shared machine is as large as the effects.
# Usage: bench/cluster-rates.sh ARTIFACT_DIR OUT.md REPEATS RATE... (e.g. bench/cluster-rates.sh models/fit r.md 3 100 200 300)
# Build first (./fit build). Stop other CPU work: 2 cores are easily disturbed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACT="$(cd "$1" && pwd)"; OUT="$2"; REPEATS="$3"; shift 3
SILO="$REPO/Silo/bin/Release/net10.0/FitCluster.Silo.dll"
# SHARDS: Ranking:ShardCount; 2 (one per core of the 2-core machine) as in the published rounds.
SHARDS="${SHARDS:-2}"
LOAD="$REPO/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll"
LOGS="$(mktemp -d)"
pid=""
stop_silo() { [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }; }
trap stop_silo EXIT

for rep in $(seq 1 "$REPEATS"); do
  for rate in "$@"; do
    for profile in default low-latency; do
      spin=(); [ "$profile" = low-latency ] && spin=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=10000) # hexadecimal: 65,536
      env -u DOTNET_ThreadPool_UnfairSemaphoreSpinLimit "${spin[@]}" dotnet "$SILO" "--Ranking:ArtifactRoot=$ARTIFACT" "--Ranking:ShardCount=$SHARDS" >"$LOGS/silo-$rep-$rate-$profile.log" 2>&1 & pid=$!
      for _ in $(seq 1 120); do curl -sf http://127.0.0.1:5080/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
      curl -sf http://127.0.0.1:5080/health/ready >/dev/null || { echo "silo not ready (log: $LOGS)" >&2; exit 1; }
      dotnet "$LOAD" --url http://127.0.0.1:5080 --artifact "$ARTIFACT" --rate "$rate" --duration 20s --warmup 10s \
        --label "1 silo, silo API, $profile profile, rep $rep" --out "$OUT"
      stop_silo
    done
  done
done
echo "results appended to $OUT; silo logs in $LOGS"
