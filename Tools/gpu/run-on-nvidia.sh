#!/usr/bin/env bash
# On a machine with an NVIDIA GPU, from the folder Tools/gpu/package.sh made (no Swift or Vulkan package needed;
# the NVIDIA driver must provide its Vulkan ICD, /usr/share/vulkan/icd.d/nvidia_icd.json or /etc/vulkan/icd.d/):
#   ./run-on-nvidia.sh [vulkan:N]       (default: the first Vulkan device that is not llvmpipe)
# Runs, in one go: the probe (lorweb devices), the conformance suite on the device (every op, byte for byte
# against the CPU), the golden suite on the device (same manifest as the CPU), and the exact-GEMM throughput
# benchmark. Everything is written to gpu-report-<date>.txt. Exit status 0 only when every check passed.
# PEAK_TFLOPS (default 67, H100/H200 SXM FP32 non-tensor) turns the GEMM rate into a fraction of peak;
# SIZES (default "1024 2048 4096") are the benchmark's M=K=N (the first also runs the conformance suite).
set -uo pipefail
cd "$(dirname "$0")"
export LD_LIBRARY_PATH="$PWD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
LORWEB="$PWD/bin/lorweb"
REPORT="$PWD/gpu-report-$(date -u +%Y%m%d-%H%M%S).txt"
PEAK_TFLOPS="${PEAK_TFLOPS:-67}"
status=0
log() { echo "$@" | tee -a "$REPORT"; }
section() { log ""; log "== $* =="; }

section "machine"
log "commit $(cat COMMIT 2>/dev/null || echo unknown), $(date -u)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$REPORT"
ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | tee -a "$REPORT"

section "devices and probe"
"$LORWEB" devices 2>&1 | tee -a "$REPORT" || status=1
DEVICE="${1:-}"
if [ -z "$DEVICE" ]; then
    DEVICE=$("$LORWEB" devices 2>/dev/null | awk '/^vulkan:[0-9]/ && !/llvmpipe/ { print $1; exit }')
fi
if [ -z "$DEVICE" ]; then
    log "no non-llvmpipe Vulkan device found: is the NVIDIA Vulkan ICD installed (NVIDIA_DRIVER_CAPABILITIES=all in containers)?"
    exit 1
fi
log "device under test: $DEVICE"
N="${DEVICE#vulkan:}"

section "conformance ($DEVICE vs CPU, byte for byte) and GEMM throughput"
SIZES="${SIZES:-1024 2048 4096}"
first="${SIZES%% *}"
for size in $SIZES; do
    args=(--benchmark "$size"); [ "$size" = "$first" ] && args+=(--check)
    start=$(date +%s.%N)
    "$LORWEB" devices "${args[@]}" 2>&1 | awk -v dev="vulkan:$N " 'index($0, dev) == 1 { on = 1; print; next } /^vulkan:|^cpu/ { on = 0 } on' \
        | tee -a "$REPORT" | tee /tmp/lorweb-gpu-step.txt
    grep -q "DIFFERENT\|REFUSED" /tmp/lorweb-gpu-step.txt && status=1
    rate=$(awk '/exact GEMM/ { for (i = 1; i <= NF; i++) if ($i == "GFLOP/s,") print $(i-1); else if ($i ~ /GFLOP\/s/) print $(i-1) }' /tmp/lorweb-gpu-step.txt | head -1)
    [ -n "$rate" ] && log "  $size^3: $rate GFLOP/s = $(awk -v r="$rate" -v p="$PEAK_TFLOPS" 'BEGIN { printf "%.1f", 100 * r / (p * 1000) }') % of $PEAK_TFLOPS TFLOP/s FP32 peak"
done

section "goldens on $DEVICE (same manifest as the CPU)"
start=$(date +%s)
(cd "$PWD" && "$LORWEB" golden check --root Golden --device "$DEVICE" 2>&1) | tee -a "$REPORT" || status=1
log "golden suite on $DEVICE: $(( $(date +%s) - start )) s"
start=$(date +%s)
(cd "$PWD" && "$LORWEB" golden check --root Golden --device cpu 2>&1) | tail -1 | tee -a "$REPORT" || status=1
log "golden suite on cpu: $(( $(date +%s) - start )) s"

section "result"
log "$([ $status = 0 ] && echo "ALL CHECKS PASSED" || echo "SOME CHECKS FAILED") on $DEVICE; report: $REPORT"
exit $status
