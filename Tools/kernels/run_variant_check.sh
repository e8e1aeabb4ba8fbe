#!/bin/sh
# Builds Tools/kernels/variant_check.c with the CKernels sources and runs it: natively, and for arm64 under
# qemu-aarch64 when a cross compiler is installed (apt: gcc-aarch64-linux-gnu qemu-user), which is how the NEON
# variant is checked on an x86-64 machine. Usage: Tools/kernels/run_variant_check.sh [native|arm64|all]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/Sources/CKernels"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
what=${1:-all}
flags="-O2 -std=c11 -Wall -Wextra -ffp-contract=off -I$src/include"
if [ "$what" = native ] || [ "$what" = all ]; then
    cc $flags "$root/Tools/kernels/variant_check.c" "$src"/*.c -lm -o "$out/check-native"
    echo "== native ($(uname -m))"
    "$out/check-native"
fi
if [ "$what" = arm64 ] || [ "$what" = all ]; then
    if [ "$(uname -m)" != aarch64 ] && command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
        aarch64-linux-gnu-gcc $flags -static "$root/Tools/kernels/variant_check.c" "$src"/*.c -lm -o "$out/check-arm64"
        echo "== arm64 under qemu-aarch64"
        qemu-aarch64 "$out/check-arm64"
    elif [ "$(uname -m)" != aarch64 ]; then
        echo "run_variant_check: arm64 not checked: needs aarch64-linux-gnu-gcc and qemu-aarch64 (apt: gcc-aarch64-linux-gnu qemu-user)" >&2
        if [ "$what" = arm64 ]; then exit 2; fi
    fi
fi
