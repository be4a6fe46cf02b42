#!/usr/bin/env bash
# What the user grain's heads cache saves: one silo (localhost clustering, embedded file storage) serving ARTIFACT_ROOT,
# and bench/FitCluster.LoadTest's `users` command against its own HTTP API, for each candidate count. Appends to OUT.
# Usage: bench/user-cache.sh ARTIFACT_ROOT ARTIFACT_DIR OUT.md [CANDIDATES...]   (default candidates: 100 2000)
# ARTIFACT_ROOT is what the silo serves (an artifact or a folder of them); ARTIFACT_DIR the active version's folder, which
# the users and items are drawn from. Build first (./fit build). Stop other CPU work: 2 cores are easily disturbed.
# SHARDS: Ranking:ShardCount; 2 (one per core of the 2-core machine) as in the published results.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$1" && pwd)"; ARTIFACT="$(cd "$2" && pwd)"; OUT="$3"; shift 3
if [ $# -gt 0 ]; then CANDIDATES=("$@"); else CANDIDATES=(100 2000); fi
SHARDS="${SHARDS:-2}"
SILO="$REPO/Silo/bin/Release/net10.0/FitCluster.Silo.dll"
LOAD="$REPO/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll"
LOGS="$(mktemp -d)"
STATE="$(mktemp -d)"
export FITCLUSTER_ADMIN_TOKEN="${FITCLUSTER_ADMIN_TOKEN:-bench-user-cache-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}"
pid=""
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; rm -rf "$STATE"; }
trap stop EXIT

dotnet "$SILO" "--Ranking:ArtifactRoot=$ROOT" "--Ranking:ShardCount=$SHARDS" "--Cluster:StateDirectory=$STATE" "--Urls=http://127.0.0.1:5080" >"$LOGS/silo.log" 2>&1 & pid=$!
for _ in $(seq 1 240); do curl -sf http://127.0.0.1:5080/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf http://127.0.0.1:5080/health/ready >/dev/null || { echo "silo not ready (log: $LOGS/silo.log)" >&2; exit 1; }
for c in "${CANDIDATES[@]}"; do
  dotnet "$LOAD" users --url http://127.0.0.1:5080/ --artifact "$ARTIFACT" --candidates "$c" --out "$OUT"
done
echo "results appended to $OUT; silo log in $LOGS"
