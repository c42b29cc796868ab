#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds the CUDA and CPU builds, runs the primitive checks on the GPU, runs every
# sequence on the shared samples with both builds and compares their results line by line, compares the GPU with
# --graphs off and --graphs on the same way, then measures throughput with graphs off and on.
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


# Results that must agree bit for bit: counters, checker tables and dumped tracks (timings, batch splits, arena
# growths and graph counts excluded: they follow from the batch size and worker count).
results() { grep -v -E '^(kestrel run:|batches:|arenas:|throughput|time per algorithm|  [a-z_0-9]+ +[0-9.]+ ms$|peak memory|transfers|graphs:)'; }
compare() { # label, input, geometry, sequence, extra options
  local label=$1 input=$2 geo=$3 seq=$4; shift 4
  rm -rf build/gpu-dump-cpu build/gpu-dump-cuda
  build/gpu-cpu/kestrel run -s "sequences/$seq" -i "$input" --geometry "$geo" -t 1 --no-progress --validate \
    --dump build/gpu-dump-cpu "$@" >build/gpu-out-cpu.txt 2>&1
  build/gpu-cuda/kestrel run -s "sequences/$seq" -i "$input" --geometry "$geo" -t 4 -b 300 --no-progress --validate \
    --dump build/gpu-dump-cuda "$@" >build/gpu-out-cuda.txt 2>&1
  check "$label $seq: GPU run succeeded" grep -q "^events:" build/gpu-out-cuda.txt
  if diff <(results <build/gpu-out-cpu.txt) <(results <build/gpu-out-cuda.txt) >build/gpu-diff.txt \
     && { [ ! -d build/gpu-dump-cpu ] || diff -r build/gpu-dump-cpu build/gpu-dump-cuda >>build/gpu-diff.txt; }; then
    check "$label $seq: CPU (-t 1) and GPU (-t 4 -b 300) identical" true
  else
    check "$label $seq: CPU (-t 1) and GPU (-t 4 -b 300) identical" false
    head -40 build/gpu-diff.txt
  fi
}
# The GPU with --graphs off and --graphs on: replaying captured work must give the same bits. Two workers and small
# batches, so each worker warms up, instantiates its graph, then updates it in place batch after batch.
compare_graphs() { # label, input, geometry, sequence, batch size
  local label=$1 input=$2 geo=$3 seq=$4 batch=$5 g
  for g in off on; do
    rm -rf build/gpu-dump-graphs-$g
    build/gpu-cuda/kestrel run -s "sequences/$seq" -i "$input" --geometry "$geo" -t 2 -b "$batch" --no-progress --validate \
      --dump build/gpu-dump-graphs-$g --graphs $g >build/gpu-out-graphs-$g.txt 2>&1
  done
  check "$label $seq --graphs on: GPU run succeeded" grep -q "^events:" build/gpu-out-graphs-on.txt
  grep "^graphs:" build/gpu-out-graphs-on.txt
  check "$label $seq --graphs on: batches replayed, no capture fell back to direct launches" \
    bash -c "grep -q '^graphs:       on: [1-9]' build/gpu-out-graphs-on.txt && ! grep -q 'capture failed' build/gpu-out-graphs-on.txt"
  if diff <(results <build/gpu-out-graphs-off.txt) <(results <build/gpu-out-graphs-on.txt) >build/gpu-diff-graphs.txt \
     && { [ ! -d build/gpu-dump-graphs-off ] || diff -r build/gpu-dump-graphs-off build/gpu-dump-graphs-on >>build/gpu-diff-graphs.txt; }; then
    check "$label $seq: GPU --graphs off and --graphs on identical" true
  else
    check "$label $seq: GPU --graphs off and --graphs on identical" false
    head -40 build/gpu-diff-graphs.txt
  fi
}
mdf=$(ls "$data"/*.mdf 2>/dev/null | grep -v velopix | head -1)
if [ -n "$mdf" ]; then
  for seq in bank_stats.json velo_decoding.json velo.json velo_pv.json downstream_decoding.json long.json hlt1_reco.json hlt1.json; do
    compare "LHCb sample" "$mdf" "$data/velo_geometry.bin" $seq
    compare_graphs "LHCb sample" "$mdf" "$data/velo_geometry.bin" $seq 1
  done
  echo "--- the LHCb sample on the GPU:"
  cat build/gpu-out-cuda.txt
  if [ "${KST_GPU_SANITIZE:-0}" = 1 ] && command -v compute-sanitizer >/dev/null; then
    check "LHCb sample velo_pv.json: compute-sanitizer memcheck clean" compute-sanitizer --error-exitcode 9 \
      build/gpu-cuda/kestrel run -s sequences/velo_pv.json -i "$mdf" --geometry "$data/velo_geometry.bin" -t 1 -b 5 \
      --no-progress
  fi
else
  echo "no MDF sample found in $data: real-data comparisons skipped"
fi
# The 200 velopix events, converted to MDF here or by tests/gpu/prepare.sh.
velopix=build/gpu-velopix.mdf
if [ -d ../shared/data/velopix/minbias ] && [ -f "$data/velo_geometry.bin" ]; then
  build/gpu-cpu/kestrel convert velopix ../shared/data/velopix/minbias -o $velopix --geometry "$data/velo_geometry.bin" \
    >/dev/null
elif [ -f .gpu-data/velopix_minbias.mdf ]; then
  velopix=.gpu-data/velopix_minbias.mdf
fi
if [ -f "$velopix" ]; then
  compare "velopix events" "$velopix" "$data/velo_geometry.bin" velo_pv.json
else
  echo "no velopix events found: their comparison skipped"
fi
sim=build/gpu-sim.mdf
build/gpu-cpu/kestrel generate -n "${KST_GPU_SIM_EVENTS:-20000}" -o $sim --seed 11 | tail -1
# The search runs a warp per middle hit: a block that is not a whole number of warps must be refused, by name.
python3 -c 'import json; s = json.load(open("sequences/velo.json"))
[a.setdefault("properties", {}).update(block_dim=48) for a in s["sequence"] if a["type"] == "velo_search_by_triplet"]
json.dump(s, open("build/gpu-seq-block48.json", "w"))'
build/gpu-cuda/kestrel run -s build/gpu-seq-block48.json -i $sim --geometry configuration/velo_ideal_geometry.json \
  -n 100 --no-progress \
  >build/gpu-out-block48.txt 2>&1
check "search block_dim 48 refused with a message" grep -q "block_dim 48 is not a multiple of the warp size" \
  build/gpu-out-block48.txt
compare "simulated" $sim configuration/velo_ideal_geometry.json velo_pv.json
compare_graphs "simulated" $sim configuration/velo_ideal_geometry.json velo_pv.json 250
echo "--- throughput: VELO+PV on simulated minimum bias (pile-up 7.6), graphs off then on"
bench=(build/gpu-cuda/kestrel bench -s sequences/velo_pv.json -i $sim --geometry configuration/velo_ideal_geometry.json)
for g in off on; do
  "${bench[@]}" -n 100000 -t 2 -b 2000 --graphs $g --compare-transfer --json build/gpu-bench-graphs-$g.json
done
echo "--- eight workers (the best end-to-end setting measured on an H100, 2026-11-22)"
"${bench[@]}" -n 200000 -t 8 -b 2000 --graphs on --repeats 3 -r 3 --compare-transfer --json build/gpu-bench-t8.json
# A scan of 2 x 12 points takes several minutes: KST_GPU_SCAN=0 skips it.
[ "${KST_GPU_SCAN:-1}" = 1 ] && for g in off on; do
  echo "--- graphs $g: launch overhead weighs most in small batches"
  "${bench[@]}" -n 100000 --repeats 3 -r 3 --graphs $g --compare-transfer --scan threads=1,2,4,8 batch=250,1000,2000,8000 \
    --json build/gpu-bench-scan-graphs-$g.json
done
echo "gpu: $pass passed, $fail failed"
[ "$fail" = 0 ]
