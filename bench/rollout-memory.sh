#!/usr/bin/env bash
# Bounded memory across rollouts (issue 13, item 4): one silo serves VERSIONS copies of an exported artifact, each a
# model version of its own, and goes through CYCLES activate → rollback → activate-again cycles across them while a
# fixed-rate load ranks with whatever version is active. The silo's resident memory (VmRSS) is sampled throughout;
# versions that are neither active nor asked for are unloaded after --Ranking:UnloadAfter (GRACE).
#
# It reports: RSS with one version loaded, with two (the reference: "two versions' worth"), the peak, and the RSS at
# the end (after the grace period), as OUT_DIR/rollout-memory.md + rollout-memory.csv (time series: t_s, rss_mb, event),
# with the load's report (rollout-load.md) and the silo's log (rollout-silo.log). It draws no plot yet.
#
# Usage: bench/rollout-memory.sh ARTIFACT_DIR OUT_DIR [VERSIONS=10] [CYCLES=20] [GRACE=00:00:10] [RATE=100]
# Build first (./fit build). Traffic goes to loopback only; every wait is bounded.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOURCE="$(cd "$1" && pwd)"; OUT="$2"; VERSIONS="${3:-10}"; CYCLES="${4:-20}"; GRACE="${5:-00:00:10}"; RATE="${6:-100}"
SILO="$REPO/Silo/bin/Release/net10.0/FitCluster.Silo.dll"
CLIENT="$REPO/Client/bin/Release/net10.0/FitCluster.Client.dll"
LOAD="$REPO/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll"
for f in "$SILO" "$CLIENT" "$LOAD"; do [ -f "$f" ] || { echo "missing $f: run ./fit build first" >&2; exit 2; }; done
command -v jq >/dev/null || { echo "jq is required (apt-get install jq)" >&2; exit 2; }
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d)"; ROOT="$WORK/artifacts"; mkdir -p "$ROOT"
PORT=$((20000 + RANDOM % 20000)); URL="http://127.0.0.1:$PORT"
TOKEN="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

base="$(jq -r .model_version "$SOURCE/manifest.json")"
names=()
echo "making $VERSIONS versions of $base under $ROOT"
for i in $(seq 1 "$VERSIONS"); do
  name="$(printf '%s-r%02d' "$base" "$i")"; names+=("$name")
  cp -r "$SOURCE" "$ROOT/$name"; rm -f "$ROOT/$name/SEALED"
  jq --arg v "$name" '.model_version = $v' "$SOURCE/manifest.json" > "$ROOT/$name/manifest.json"
  dotnet "$CLIENT" seal "$ROOT/$name" >/dev/null
done

FITCLUSTER_ADMIN_TOKEN="$TOKEN" dotnet "$SILO" "--Ranking:ArtifactRoot=$ROOT" "--Ranking:UnloadAfter=$GRACE" \
  "--Cluster:SiloPort=$((PORT + 1))" "--Cluster:PrimarySiloPort=$((PORT + 1))" "--Cluster:GatewayPort=$((PORT + 2))" "--Urls=$URL" >"$WORK/silo.log" 2>&1 & silo=$!; pids+=("$silo")
for _ in $(seq 1 240); do curl -sf "$URL/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "$URL/health/ready" >/dev/null || { echo "silo not ready; log:" >&2; tail -30 "$WORK/silo.log" >&2; exit 1; }

start=$(date +%s.%N)
csv="$OUT/rollout-memory.csv"; echo "t_s,rss_mb,event" > "$csv"
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$silo/status"; }
sample() { echo "$(echo "$(date +%s.%N) - $start" | bc),$(rss),$1" >> "$csv"; }
activate() {
  local code; code=$(curl -s -o "$WORK/activate.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$URL/v1/models/$1/activate")
  [ "$code" = 200 ] || { echo "activate $1: HTTP $code $(cat "$WORK/activate.json")" >&2; exit 1; }
}
settle() { local until=$(( $(date +%s) + $1 )); while [ "$(date +%s)" -lt "$until" ]; do sample "${2:-}"; sleep 1; done; }

activate "${names[0]}"; settle 5 "active ${names[0]}"
one=$(rss)
# Load from here on, always on the active version (the load tool asks for it by leaving the version out).
load_seconds=$(( 30 + CYCLES * 3 * 4 + 60 ))
items=$(jq .dims.item_count "$SOURCE/manifest.json"); candidates=$(( items < 2000 ? items : 2000 ))
env -u DOTNET_ThreadPool_UnfairSemaphoreSpinLimit dotnet "$LOAD" --url "$URL" --artifact "$ROOT/${names[0]}" --model-version active \
  --candidates "$candidates" --rate "$RATE" --duration "${load_seconds}s" --warmup 1s --label "rollouts" --out "$OUT/rollout-load.md" >"$OUT/rollout-load.log" 2>&1 & load=$!; pids+=("$load")
settle 5 "load"
activate "${names[1]}"; settle 5 "active ${names[1]}"
two=$(rss)
prev="${names[1]}"
for c in $(seq 1 "$CYCLES"); do
  next="${names[$(( (c + 1) % VERSIONS ))]}"
  echo "cycle $c/$CYCLES: $prev → $next → rollback → $next  (rss $(rss) MB)"
  activate "$next"; settle 3 "cycle $c: active $next"
  activate "$prev"; settle 3 "cycle $c: rollback to $prev"
  activate "$next"; settle 3 "cycle $c: active $next"
  prev="$next"
done
peak=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print m }' "$csv")
grace_s=$(echo "$GRACE" | awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }')
settle $(( ${grace_s%.*} * 2 + 10 )) "grace"
end=$(rss)
kill -INT "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true
cp "$WORK/silo.log" "$OUT/rollout-silo.log"
loaded=$(grep -c "Loaded model" "$WORK/silo.log" || true); unloaded=$(grep -c "Unloaded model" "$WORK/silo.log" || true)
errors=$(grep -o 'errors | [^|]*' "$OUT/rollout-load.md" | tail -1 || true)
ratio=$(echo "scale=3; $end / $two" | bc)
{
  echo "# Memory across rollouts — $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%d)"
  echo
  echo "\`bench/rollout-memory.sh $SOURCE OUT $VERSIONS $CYCLES $GRACE $RATE\`: $VERSIONS versions of \`$base\` ($(jq .dims.item_count "$SOURCE/manifest.json") items each),"
  echo "$CYCLES activate → rollback → activate cycles under $RATE req/s on the active version, unload grace $GRACE."
  echo
  echo "| one version | two versions (reference) | peak | end | end / two | loads | unloads |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  echo "| $one MB | $two MB | $peak MB | $end MB | $ratio | $loaded | $unloaded |"
  echo
  echo "Load: see rollout-load.md (errors column: ${errors:-n/a}). Time series: rollout-memory.csv."
} > "$OUT/rollout-memory.md"
cat "$OUT/rollout-memory.md"
