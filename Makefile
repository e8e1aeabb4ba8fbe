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

.PHONY: help setup build run test bench golden fixtures clean

help:
	@echo "make setup     install the system packages (apt: libopenblas-dev libpng-dev libreadline-dev pkg-config;"
	@echo "               GPU build: libvulkan-dev glslc mesa-vulkan-drivers)"
	@echo "make build     release build of lorweb"
	@echo "make run       run $(RECIPE) on the embedded default model"
	@echo "make test      the whole test suite (release build; goldens included)"
	@echo "make bench     benchmarks vs OpenBLAS and PyTorch (PYTHON=... with torch), written to bench-results/"
	@echo "make golden    re-render the golden images and show what changed"
	@echo "make fixtures  regenerate the parity fixtures (PYTHON=... with Tools/fixtures/requirements.txt installed)"

# The Vulkan packages make this the GPU build (README "GPU build (Vulkan)"): libvulkan-dev + glslc compile the
# backend and its shaders; mesa-vulkan-drivers is lavapipe, a CPU Vulkan driver, so every CI run proves that the
# GPU kernels give the CPU's bytes (conformance suite + goldens on lavapipe). Build with LORWEB_VULKAN=0 to skip it.
setup:
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	    libopenblas-dev libpng-dev libreadline-dev pkg-config \
	    libvulkan-dev glslc mesa-vulkan-drivers

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

# Every generator writes its committed fixtures to its default folder (see Tools/fixtures/README.md).
fixtures:
	for generator in Tools/fixtures/*_fixtures.py; do $(PYTHON) $$generator || exit 1; done

clean:
	rm -rf .build
