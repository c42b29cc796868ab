#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds the CUDA and CPU builds, runs the primitive checks on the GPU, runs every
# sequence on the shared samples with both builds and compares their results line by line, then measures throughput.
# Needs cmake, gcc, nvcc; cJSON from the system or from .gpu-debs (see tests/gpu/prepare.sh and README).
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/cuda/bin"
prefix=()
if [ -d .gpu-debs/usr ]; then
  prefix=(-DCMAKE_PREFIX_PATH="$PWD/.gpu-debs/usr")
  export LD_LIBRARY_PATH="$PWD/.gpu-debs/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
data=../shared/data/lhcb
[ -d "$data" ] || data=.gpu-data
jobs=$(nproc)
pass=0
fail=0
check() { # name, then a command whose exit status decides
  local name=$1; shift
  if "$@"; then echo "PASS $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
for backend in cuda cpu; do
  cmake -S . -B build/gpu-$backend -DKST_BACKEND=$backend -DKST_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
    "${prefix[@]}" >/dev/null && cmake --build build/gpu-$backend -j "$jobs" >build/gpu-$backend.log 2>&1
  check "build $backend" test -x build/gpu-$backend/kestrel
done
[ -x build/gpu-cuda/kestrel ] || { echo "gpu: $pass passed, $fail failed"; exit 1; }
build/gpu-cuda/kestrel --version

check "primitives on the GPU" build/gpu-cuda/tests/gpu/primitives_check

# Results that must agree bit for bit: every counter line (timings and throughput excluded).
results() { sed -n '/^[a-z_0-9]* (/,/^time per algorithm/p' | grep -v '^time per algorithm'; }
mdf=$(ls "$data"/*.mdf 2>/dev/null | head -1)
if [ -n "$mdf" ]; then
  for spec in "bank_stats.json:" "velo_decoding.json:--validate --geometry $data/velo_geometry.bin"; do
    seq=${spec%%:*}; extra=${spec#*:}
    for t in 1 4; do
      build/gpu-cuda/kestrel run -s sequences/$seq -i "$mdf" -t $t -b 3 --no-progress $extra >build/gpu-out-cuda.txt 2>&1
      build/gpu-cpu/kestrel run -s sequences/$seq -i "$mdf" -t 1 --no-progress $extra >build/gpu-out-cpu.txt 2>&1
      if diff <(results <build/gpu-out-cpu.txt) <(results <build/gpu-out-cuda.txt); then same=0; else same=1; fi
      check "$seq -t $t: CPU and GPU results identical" test $same = 0
      check "$seq -t $t: counters present" test -s <(results <build/gpu-out-cuda.txt)
    done
  done
  cat build/gpu-out-cuda.txt
  echo "--- throughput (10-event sample repeated, compute only after one copy per batch)"
  for t in 1 2 4; do
    build/gpu-cuda/kestrel run -s sequences/velo_decoding.json -i "$mdf" --geometry "$data/velo_geometry.bin" -t $t \
      -r 2000 --no-progress | grep -E "throughput|synchronisations|time per|^  velo"
  done
else
  echo "no MDF sample found in $data: sequence comparisons skipped"
fi
echo "gpu: $pass passed, $fail failed"
[ "$fail" = 0 ]
