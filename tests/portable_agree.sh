#!/usr/bin/env bash
# Builds the CPU build without -march=native (build/portable: no AVX-512, so the search, decoding and fit run their
# plain loops instead of the 16-wide ones) and runs its tests; builds kestrel once more with every kernel's CPU path
# switched off (build/gpu-path, -DKST_CPU_PATHS=0: the GPU's code run as a warp of one, docs/kernels.md); and checks
# that both dump the same tracks and vertices as build/cpu on simulated events and, when ../shared/data is there, on
# the LHCb sample. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build/portable -DKST_BACKEND=cpu -DCMAKE_BUILD_TYPE=Release -DKST_NATIVE=OFF >/dev/null
cmake --build build/portable -j "$jobs" >/dev/null
(cd build/portable && ctest --output-on-failure -j "$jobs")
cmake -S . -B build/gpu-path -DKST_BACKEND=cpu -DCMAKE_BUILD_TYPE=Release -DKST_NATIVE=OFF -DKST_BUILD_TESTS=OFF \
  "-DCMAKE_C_FLAGS=-DKST_CPU_PATHS=0" >/dev/null
cmake --build build/gpu-path -j "$jobs" --target kestrel >/dev/null
out=build/portable-agree
rm -rf "$out" && mkdir -p "$out"
build/cpu/kestrel generate -n 500 --seed 5 -o "$out/sim.mdf" >/dev/null
samples=("sim:$out/sim.mdf:configuration/velo_ideal_geometry.json")
data=../shared/data/lhcb
if [ -f "$data/velo_geometry.bin" ]; then
  samples+=("lhcb:$data/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf:$data/velo_geometry.bin")
else
  echo "portable_agree: ../shared/data not found, the LHCb sample is skipped"
fi
for s in "${samples[@]}"; do
  IFS=: read -r name input geometry <<<"$s"
  for b in cpu portable gpu-path; do
    build/$b/kestrel run -s sequences/velo_pv.json -i "$input" --geometry "$geometry" --dump "$out/$b-$name" \
      --no-progress >"$out/$b-$name.log" 2>&1 || { cat "$out/$b-$name.log" >&2; exit 1; }
  done
  for b in portable gpu-path; do
    if ! diff -rq "$out/cpu-$name" "$out/$b-$name"; then
      echo "portable_agree: $name: build/$b's tracks or vertices differ from build/cpu's" >&2
      exit 1
    fi
  done
  echo "portable_agree: $name: $(ls "$out/cpu-$name" | wc -l) dump files identical in the three builds"
done
# UT and SciFi decoding: the checkers' container hashes (x and id of every hit, in container order) must agree.
if [ -f "$data/detector/ut_boards.bin" ]; then
  for b in cpu portable gpu-path; do
    build/$b/kestrel run -s sequences/downstream_decoding.json -i "$data/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf" \
      --validate --no-progress 2>&1 | grep -E 'container_hash|mc_ids_decoded' >"$out/$b-downstream.txt"
  done
  for b in portable gpu-path; do
    if ! diff -q "$out/cpu-downstream.txt" "$out/$b-downstream.txt" >/dev/null || [ ! -s "$out/$b-downstream.txt" ]; then
      echo "portable_agree: UT/SciFi hit containers of build/$b differ from build/cpu's" >&2
      exit 1
    fi
  done
  echo "portable_agree: UT and SciFi hit containers identical in the three builds"
  # Long tracks, their fit, the two-track vertices and the decisions (sequences/hlt1.json): the dumps of the three
  # builds, on the LHCb sample and on simulated B0 -> K+ pi- events with the downstream detector.
  build/cpu/kestrel generate -n 200 --seed 5 --signal 'B0->K+pi-' --detector "$data/detector" -o "$out/sim_long.mdf" >/dev/null
  for input in "$data/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf" "$out/sim_long.mdf"; do
    tag=$(basename "$input" .mdf)
    for b in cpu portable gpu-path; do
      build/$b/kestrel run -s sequences/hlt1.json -i "$input" --detector "$data/detector" \
        --dump "$out/$b-$tag" --no-progress >"$out/$b-$tag.log" 2>&1 || { cat "$out/$b-$tag.log" >&2; exit 1; }
    done
    for b in portable gpu-path; do
      if ! diff -rq "$out/cpu-$tag" "$out/$b-$tag"; then
        echo "portable_agree: $tag: long tracks, vertices or decisions of build/$b differ from build/cpu's" >&2
        exit 1
      fi
    done
  done
  echo "portable_agree: long tracks, fitted states, vertices and decisions identical in the three builds"
fi
