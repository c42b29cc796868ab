# Kestrel: thin wrapper over CMake. `make demo` and `make test` set up a fresh Debian machine themselves.
JOBS ?= $(shell nproc)
BUILD_TYPE ?= Release
CUDA_ARCH ?= 90
HIP_ARCH ?= gfx90a
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KESTREL := build/cpu/kestrel

.PHONY: all deps build demo test test-asan san-deps fuzz cuda hip gpu-deps clean networks
FUZZ_SECONDS ?= 60

all: build

# Installs the Debian packages the CPU build needs when any is missing.
deps:
	@missing=""; \
	for p in cmake gcc libcjson-dev libcriterion-dev python3-matplotlib python3-numpy; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "kestrel: installing missing packages:$$missing"; \
	  if [ -n "$(SUDO)" ] && ! command -v sudo >/dev/null; then \
	    echo "kestrel: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null \
	    || { echo "kestrel: could not install:$$missing (install them by hand)" >&2; exit 1; }; \
	fi

build: deps
	cmake -S . -B build/cpu -DKST_BACKEND=cpu -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	cmake --build build/cpu -j $(JOBS)

demo: build
	@sh host/demo.sh $(KESTREL)

# Retrains configuration/networks/two_track.json from simulated samples of fixed seeds, and evaluates it on held-out
# ones (docs/networks.md); the samples stay in build/networks.
networks: build
	bash tools/train_two_track.sh build/networks configuration/networks/two_track.json

test: build
	cd build/cpu && ctest --output-on-failure -j $(JOBS)

# Installs clang (with its sanitizer and libFuzzer runtimes) when missing.
san-deps: deps
	@command -v clang >/dev/null || { echo "kestrel: installing clang"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq clang >/dev/null; }

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer, built by gcc and then by clang (each
# catches what the other misses: clang reports arithmetic on NULL, gcc some object-size overruns).
test-asan: san-deps
	for cc in gcc clang; do \
	  CC=$$cc cmake -S . -B build/asan-$$cc -DKST_BACKEND=cpu -DCMAKE_BUILD_TYPE=Debug -DKST_SANITIZE=ON >/dev/null && \
	  cmake --build build/asan-$$cc -j $(JOBS) && \
	  (cd build/asan-$$cc && ASAN_OPTIONS=allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j $(JOBS)) || exit 1; \
	done

# Every libFuzzer harness of tests/fuzz for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=600).
fuzz: san-deps build
	CC=clang cmake -S . -B build/fuzz -DKST_BACKEND=cpu -DCMAKE_BUILD_TYPE=Debug -DKST_FUZZ=ON -DKST_BUILD_TESTS=OFF >/dev/null
	cmake --build build/fuzz -j $(JOBS)
	bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

cuda: deps
	cmake -S . -B build/cuda -DKST_BACKEND=cuda -DKST_CUDA_ARCH=$(CUDA_ARCH) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_CUDA_COMPILER=$$(command -v nvcc || echo /usr/local/cuda/bin/nvcc) >/dev/null
	cmake --build build/cuda -j $(JOBS)

# Installs hipcc and rocPRIM from Debian when missing.
gpu-deps:
	@command -v hipcc >/dev/null && dpkg -s librocprim-dev >/dev/null 2>&1 || { \
	  echo "kestrel: installing hipcc librocprim-dev"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hipcc librocprim-dev >/dev/null; }

hip: deps gpu-deps
	cmake -S . -B build/hip -DKST_BACKEND=hip -DKST_HIP_ARCH=$(HIP_ARCH) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_CXX_COMPILER=hipcc -DKST_BUILD_TESTS=OFF >/dev/null
	cmake --build build/hip -j $(JOBS)

clean:
	rm -rf build
