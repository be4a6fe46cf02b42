#!/usr/bin/env bash
# A/B saturation of two builds on the same machine, alternated so that drift of a shared host hits both alike:
# for each round, build A then build B each start one silo (2 shards, defaults, loopback) and take
# bench/FitCluster.LoadTest --concurrency C for 20 s after a 10 s warm-up through the silo's own POST /v1/rank.
# Rows are appended to OUT (Markdown) labelled with each build's commit. Bounded: every run stops by itself.
# Each round also prints the silo's CPU time per answered request over the window (user + system, /proc/PID/stat):
# on a shared host, throughput swings with the neighbours; CPU per request swings less and shows what a change costs.
# Usage: bench/ab-saturation.sh REPO_A REPO_B ARTIFACT_DIR OUT.md [ROUNDS] [CONCURRENCY]
# Each REPO is a checkout built in Release (Silo and bench/FitCluster.LoadTest). Stop other CPU work first.
set -euo pipefail
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ARTIFACT="$(cd "$3" && pwd)"; OUT="$4"; ROUNDS="${5:-3}"; CONCURRENCY="${6:-8}"
LOGS="$(mktemp -d)"
silo=""
cleanup() { [ -n "$silo" ] && kill -TERM "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true; }
trap cleanup EXIT
run_one() {
  local repo="$1" commit
  commit="$(git -C "$repo" rev-parse --short HEAD)"
  dotnet "$repo/Silo/bin/Release/net10.0/FitCluster.Silo.dll" "--Ranking:ArtifactRoot=$ARTIFACT" --Ranking:ShardCount=2 \
    --Urls=http://127.0.0.1:5080 > "$LOGS/silo-$commit.log" 2>&1 & silo=$!
  for _ in $(seq 1 240); do curl -sf http://127.0.0.1:5080/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf http://127.0.0.1:5080/health/ready >/dev/null || { echo "silo of $commit not ready (log: $LOGS/silo-$commit.log)" >&2; exit 1; }
  dotnet "$repo/bench/FitCluster.LoadTest/bin/Release/net10.0/FitCluster.LoadTest.dll" --url http://127.0.0.1:5080 --artifact "$ARTIFACT" \
    --concurrency "$CONCURRENCY" --duration 20s --warmup 10s --label "1 silo, silo API, build $commit" --out "$OUT" > "$LOGS/load-$commit.log" & load=$!
  # The window is the 20 s after the 10 s warm-up (the load generator starts its clock after its own start-up check).
  sleep 10.5; local cpu0; cpu0="$(silo_ticks "$silo")"; sleep 19; local cpu1; cpu1="$(silo_ticks "$silo")"
  wait "$load"
  kill -TERM "$silo"; wait "$silo" || true; silo=""
  local rps; rps="$(tail -1 "$OUT" | cut -d'|' -f11 | tr -d ' ')"
  echo "round $round, build $commit: $rps req/s, silo CPU $(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v r="$rps" \
    'BEGIN { if (r > 0) printf "%.3f", t * 1000 / hz / (r * 19); else printf "-" }') ms per request"
}
# user + system CPU ticks of a process so far (fields 14 and 15 of /proc/PID/stat; the name field has no spaces here).
silo_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do run_one "$A"; run_one "$B"; done
echo "rows appended to $OUT; logs in $LOGS"
