# LoRWeB for Swift. `make help` lists the targets.
# Release builds on x86-64 need an explicit CPU (AVX2+FMA) or SIMD FMA becomes libcalls (160x slower);
# Package.swift adds it for every build, CPU_FLAGS repeats it here for tools that bypass the manifest.
ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
CPU_FLAGS := -Xswiftc -target-cpu -Xswiftc haswell
endif
SWIFT_RELEASE := -c release $(CPU_FLAGS)
BIN := .build/release/lorweb
RECIPE ?= Recipes/quickstart.recipe
PYTHON ?= python3

.PHONY: help setup build run test bench golden kernel-check fixtures fuzz clean

help:
	@echo "make setup     install the system packages (apt: libopenblas-dev libpng-dev libreadline-dev pkg-config;"
	@echo "               GPU build: libvulkan-dev glslc mesa-vulkan-drivers; Slurm test: slurm-wlm munge)"
	@echo "make build     release build of lorweb"
	@echo "make run       run $(RECIPE) on the embedded default model"
	@echo "make test      the whole test suite (release build; goldens included)"
	@echo "make bench     benchmarks vs OpenBLAS and PyTorch (PYTHON=... with torch), written to bench-results/"
	@echo "make golden    re-render the golden images and show what changed"
	@echo "make kernel-check  the goldens under every GEMM kernel variant this machine runs (LORWEB_CPU_KERNEL),"
	@echo "               and the C variants against a rule-1 loop (NEON under qemu-aarch64 when installed)"
	@echo "make fixtures  regenerate the parity fixtures (PYTHON=... with Tools/fixtures/requirements.txt installed)"
	@echo "make fuzz      libFuzzer on the safetensors, PNG and recipe readers, FUZZ_SECONDS (60) each (FUZZ_TARGETS=...)"

# The Vulkan packages make this the GPU build (README "GPU build (Vulkan)"): libvulkan-dev + glslc compile the
# backend and its shaders; mesa-vulkan-drivers is lavapipe, a CPU Vulkan driver, so every CI run proves that the
# GPU kernels give the CPU's bytes (conformance suite + goldens on lavapipe). Build with LORWEB_VULKAN=0 to skip it.
# slurm-wlm + munge: SlurmTests starts a real single-node Slurm (munged, slurmctld, slurmd, all state in its
# scratch folder) to run `lorweb slurm --submit`; the packages' own services are not used (README "Sharded runs").
setup:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    libopenblas-dev libpng-dev libreadline-dev pkg-config \
	    libvulkan-dev glslc mesa-vulkan-drivers \
	    slurm-wlm munge

build:
	swift build $(SWIFT_RELEASE) --product lorweb

run: build
	$(BIN) run $(RECIPE)

test:
	swift build $(SWIFT_RELEASE) --product lorweb
	swift test $(SWIFT_RELEASE) --disable-swift-testing

# The PyTorch columns run when $(PYTHON) imports torch and diffusers (Tools/fixtures/requirements.txt);
# otherwise the table says "not run". BENCH_ARGS passes more options (e.g. --only mini --reps 9).
bench:
	swift build $(SWIFT_RELEASE) --product lorweb-bench
	mkdir -p bench-results
	if $(PYTHON) -c "import torch, diffusers" 2>/dev/null; then \
	    .build/release/lorweb-bench --out bench-results/bench.md --python "$$(command -v $(PYTHON))" $(BENCH_ARGS); \
	else \
	    echo "make bench: $(PYTHON) has no torch/diffusers: PyTorch columns not run"; \
	    .build/release/lorweb-bench --out bench-results/bench.md $(BENCH_ARGS); \
	fi

golden: build
	$(BIN) golden update

# Bytes must not depend on the GEMM kernel variant (README "CPU kernel variants"): the goldens under each variant
# this machine runs (`lorweb --help` exits 78 for one it cannot), then Tools/kernels/run_variant_check.sh.
kernel-check: build
	for k in avx512 avx2 neon swift scalar; do \
	    if ! LORWEB_CPU_KERNEL=$$k $(BIN) --help >/dev/null 2>&1; then echo "kernel $$k: not on this machine, skipped"; continue; fi; \
	    echo "== golden check, LORWEB_CPU_KERNEL=$$k"; \
	    LORWEB_CPU_KERNEL=$$k $(BIN) golden check --quiet --no-cache || exit 1; \
	done
	Tools/kernels/run_variant_check.sh all

# Every generator writes its committed fixtures to its default folder (see Tools/fixtures/README.md).
fixtures:
	for generator in Tools/fixtures/*_fixtures.py; do $(PYTHON) $$generator || exit 1; done

# libFuzzer targets (README "Test"): a separate instrumented build in .build-fuzz (LORWEB_FUZZ=1 adds the product;
# -sanitize=fuzzer instruments every Swift module, -fsanitize=fuzzer-no-link the C shims). The fuzzer's own main
# is displaced by lorweb-fuzz's (it picks the target, then calls LLVMFuzzerRunDriver), hence lld's
# --allow-multiple-definition. Corpora grow in .build-fuzz/corpus/TARGET from the repository's own files;
# a crash, a timeout (-timeout, s) or an RSS over FUZZ_RSS_MB fails the run and leaves its input in
# .build-fuzz/artifacts/TARGET/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= safetensors png recipe
FUZZ_RSS_MB ?= 2048
FUZZ_BUILD := .build-fuzz
FUZZ_SWIFT := -c release $(CPU_FLAGS) --build-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link \
    -Xswiftc -use-ld=lld -Xlinker --allow-multiple-definition

fuzz:
	LORWEB_FUZZ=1 LORWEB_VULKAN=0 swift build $(FUZZ_SWIFT) --product lorweb-fuzz
	for target in $(FUZZ_TARGETS); do \
	    Fuzz/seed-corpus $$target $(FUZZ_BUILD)/corpus/$$target || exit 1; \
	    mkdir -p $(FUZZ_BUILD)/artifacts/$$target; \
	    $(FUZZ_BUILD)/release/lorweb-fuzz $$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=$(FUZZ_RSS_MB) \
	        -max_len=$$(Fuzz/seed-corpus --max-len $$target) -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$target/ $(FUZZ_BUILD)/corpus/$$target || exit 1; \
	done

clean:
	rm -rf .build .build-fuzz
