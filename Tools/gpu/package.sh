#!/usr/bin/env bash
# Builds the GPU build of lorweb as a self-contained folder for a machine that may lack Swift and the Vulkan
# loader package (e.g. an NVIDIA cloud box with only the driver): run on a build machine with `make setup` done.
#   Tools/gpu/package.sh [OUT]        (default OUT = dist/lorweb-gpu; also writes OUT.tar.gz)
# The folder holds bin/lorweb (Swift runtime linked statically), lib/ (libvulkan.so.1 and the other non-glibc
# shared libraries it needs: OpenBLAS, libpng, readline, ...), the embedded model bundle, Golden/ and Recipes/
# (for the golden check) and run-on-nvidia.sh. Copy OUT.tar.gz to the GPU machine and run run-on-nvidia.sh there.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-dist/lorweb-gpu}"
ARCH_FLAGS=()
[ "$(uname -m)" = x86_64 ] && ARCH_FLAGS=(-Xswiftc -target-cpu -Xswiftc haswell)
# Its own build folder: the static-stdlib flags would otherwise rebuild .build/release from scratch.
SCRATCH=.build-static
swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" "${ARCH_FLAGS[@]}" --product lorweb
BIN="$SCRATCH/release/lorweb"
rm -rf "$OUT" && mkdir -p "$OUT/bin" "$OUT/lib"
cp "$BIN" "$OUT/bin/"
# Resource bundles (the embedded mini model) must sit next to the executable for Bundle.module.
cp -R "$SCRATCH"/release/*.resources "$OUT/bin/" 2>/dev/null || true
# Every shared library except the C runtime itself (glibc, libm, libpthread, libdl, ld-linux) travels along.
ldd "$BIN" | awk '/=> \// { print $3 }' | while read -r lib; do
    case "$(basename "$lib")" in
        libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libgcc_s.so*) ;;
        *) cp -L "$lib" "$OUT/lib/" ;;
    esac
done
cp -L "$(ldconfig -p | awk '/libvulkan.so.1 / { print $NF; exit }')" "$OUT/lib/"
cp -R Golden Recipes "$OUT/"
cp Tools/gpu/run-on-nvidia.sh "$OUT/"
git rev-parse HEAD > "$OUT/COMMIT" 2>/dev/null || true
tar -C "$(dirname "$OUT")" -czf "$OUT.tar.gz" "$(basename "$OUT")"
echo "packaged $OUT ($(du -sh "$OUT" | cut -f1)) and $OUT.tar.gz"
