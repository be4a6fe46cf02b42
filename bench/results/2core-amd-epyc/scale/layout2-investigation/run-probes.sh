#!/usr/bin/env bash
# In-process floor and one silo's own stage timings over the 10M fp32 catalog, plus the silo's memory make-up with the
# server GC (default) and with the workstation GC (investigation; bounded; loopback only).
set -euo pipefail
# Usage: run-probes.sh ARTIFACT [CATALOG] — the source artifact and a catalog the scale benchmark generated from it (./fit build first).
WT="$(cd "$(dirname "$0")/../../../../.." && pwd)"; ART="$(cd "$1" && pwd)"; CAT="${2:-/var/tmp/fitcluster-bench-scale/catalogs/10000000-fp32-s1}"
PROBE="dotnet run --file $(dirname "$0")/probe.cs -c Release --"  # a .NET 10 file-based app; it builds bench/FitCluster.LoadTest
ver=$(jq -r .model_version $CAT/manifest.json)
mem() { grep -E "VmHWM|VmRSS|RssAnon|RssFile" /proc/$1/status | tr -s ' \t' ' ' | tr '\n' ';'; echo; }
echo "== load average before: $(cat /proc/loadavg)"
timeout 300 $PROBE inproc $ART $CAT 10000000 300
for gc in server workstation; do
  echo "== silo on loopback, $gc GC"
  env $([ $gc = workstation ] && echo DOTNET_gcServer=0) dotnet $WT/Silo/bin/Release/net10.0/FitCluster.Silo.dll --Ranking:ArtifactRoot=$CAT --Ranking:DefaultModelVersion=$ver --Ranking:ShardCount=2 --Urls=http://127.0.0.1:5099 > /tmp/wt-scale-probe/silo-$gc.log 2>&1 &
  silo=$!
  for i in $(seq 1 240); do curl -sf http://127.0.0.1:5099/health/ready >/dev/null && break; sleep 1; done
  if curl -sf http://127.0.0.1:5099/health/ready >/dev/null; then
    echo "ready: $(mem $silo)"
    sleep 10; echo "ready+10s: $(mem $silo)"
    [ $gc = server ] && timeout 300 $PROBE http $ART 10000000 http://127.0.0.1:5099/v1/rank 300
    [ $gc = workstation ] && timeout 300 $PROBE http $ART 10000000 http://127.0.0.1:5099/v1/rank 100
    echo "after load: $(mem $silo)"
  else echo "silo not ready"; tail -20 /tmp/wt-scale-probe/silo-$gc.log; fi
  kill -TERM $silo; wait $silo || true
done
echo "== load average after: $(cat /proc/loadavg)"
