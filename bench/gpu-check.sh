#!/usr/bin/env bash
# bench/gpu-check.sh [ARTIFACT_DIR]: run on a GPU host (NVIDIA driver, CUDA 13, cuDNN 9 on the library path).
# Builds the CUDA flavour of ONNX Runtime (./fit build --gpu), checks that FIT's LSS scoring graph on the GPU gives the
# C# scorer's scores on ARTIFACT_DIR (without one: a tiny synthetic FIT artifact, trained for one epoch), and measures
# scoring latency of 2k / 10k / 100k candidates on CPU and CUDA. The report goes to
# bench/results/<gpu>/gpu/gpu-check.md. Fails loudly, before building anything, when no GPU is visible.
# The checkout is left with the CUDA build: run ./fit build (or ./fit test) afterwards for the CPU one.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { printf '\033[1;31m[gpu-check] error:\033[0m %s\n' "$*" >&2; exit 1; }
log() { printf '\033[1;34m[gpu-check]\033[0m %s\n' "$*" >&2; }

command -v nvidia-smi >/dev/null 2>&1 \
  || die "no GPU: nvidia-smi is not on PATH (no NVIDIA driver). This check needs a GPU host; CPU-only hosts run ./fit test."
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1) || true
[ -n "$gpu" ] || die "no GPU: nvidia-smi found no device ($(nvidia-smi -L 2>&1 | head -n 1))."
hardware=$(printf '%s' "$gpu" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-+|-+$//g')
out="$REPO/bench/results/$hardware/gpu"
log "GPU: $gpu"

artifact="${1:-}"
if [ -z "$artifact" ]; then
  # Training uses the CPU build (TorchSharp); it runs first, then the CUDA build replaces it.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  artifact="$work/fit"
  log "no artifact given: training a tiny synthetic FIT model (1 epoch) into $artifact"
  "$REPO/fit" train --dataset synthetic --model fit --epochs 1 --out "$work/run" --export "$artifact"
fi
[ -f "$artifact/manifest.json" ] || die "$artifact is not an exported artifact (no manifest.json)"
artifact="$(cd "$artifact" && pwd)"

started=$(date +%s)
"$REPO/fit" build --gpu
log "CUDA build (restore included) took $(( $(date +%s) - started )) s"

mkdir -p "$out"
rc=0
dotnet "$REPO/bench/FitCluster.Benchmarks/bin/Release/net10.0/FitCluster.Benchmarks.dll" gpu --artifact "$artifact" --out "$out/gpu-check.md" || rc=$?
case "$rc" in
  0) log "parity within tolerance; report in ${out#"$REPO/"}/gpu-check.md" ;;
  3) die "the CUDA provider is not usable on this host (see the message above: missing CUDA 13 / cuDNN 9 libraries?)" ;;
  4) die "CUDA scores differ from the CPU scorer's (report in ${out#"$REPO/"}/gpu-check.md)" ;;
  *) die "the check failed (exit $rc)" ;;
esac
