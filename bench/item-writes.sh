#!/usr/bin/env bash
# The live item catalog under write load: one silo (localhost clustering, embedded file storage) serving ARTIFACT_ROOT,
# and bench/FitCluster.LoadTest's `items` command against its own HTTP API: ITEMS items upserted in batches of BATCH
# (CONCURRENCY in flight) while RANK_RATE ranking requests per second run; appends the result to OUT.
# Usage: bench/item-writes.sh ARTIFACT_ROOT ARTIFACT_DIR OUT.md [ITEMS] [BATCH] [CONCURRENCY] [RANK_RATE]
# ARTIFACT_DIR is the active version's folder (features and candidates are drawn from it). Build first (./fit build).
# SHARDS: Ranking:ShardCount (default 2, one per core of the 2-core machine). A plot goes beside OUT
# (OUT-ITEMS-rankRANK_RATE.png: items stored and acknowledged → rankable time against time).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$1" && pwd)"; ARTIFACT="$(cd "$2" && pwd)"; OUT="$3"
ITEMS="${4:-100000}"; BATCH="${5:-1000}"; CONCURRENCY="${6:-2}"; RANK_RATE="${7:-100}"
SHARDS="${SHARDS:-2}"
SILO="$REPO/Silo/bin/Release/net10.0/FitCluster.Silo.dll"
LOAD="$REPO/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll"
LOGS="$(mktemp -d)"
STATE="$(mktemp -d)"
export FITCLUSTER_ADMIN_TOKEN="${FITCLUSTER_ADMIN_TOKEN:-bench-item-writes-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}"
pid=""
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; du -sh "$STATE" >&2 || true; rm -rf "$STATE"; }
trap stop EXIT

dotnet "$SILO" "--Ranking:ArtifactRoot=$ROOT" "--Ranking:ShardCount=$SHARDS" "--Cluster:StateDirectory=$STATE" "--Urls=http://127.0.0.1:5080" >"$LOGS/silo.log" 2>&1 & pid=$!
for _ in $(seq 1 240); do curl -sf http://127.0.0.1:5080/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf http://127.0.0.1:5080/health/ready >/dev/null || { echo "silo not ready (log: $LOGS/silo.log)" >&2; exit 1; }
timeout 900 dotnet "$LOAD" items --url http://127.0.0.1:5080/ --artifact "$ARTIFACT" --items "$ITEMS" --batch "$BATCH" \
  --concurrency "$CONCURRENCY" --rank-rate "$RANK_RATE" --out "$OUT" --plot "${OUT%.md}-${ITEMS}-rank${RANK_RATE}.png"
echo "silo RSS at the end: $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$pid/status)" | tee -a "$OUT"
echo "results appended to $OUT; silo log in $LOGS"
