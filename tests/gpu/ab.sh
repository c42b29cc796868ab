#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds the working tree (variant B) and each variant in .gpu-data/variants/NAME/
# (files named by their path with / as __, swapped in for the build), checks that every variant dumps the same tracks
# and vertices (checksums, to compare with `bash tests/gpu/ab.sh --cpu` on the CPU build), then benchmarks them in
# alternating rounds, so that one device call compares builds under the same conditions.
# usage: bash tests/gpu/ab.sh [ROUNDS [extra bench options]]   (after tests/gpu/prepare.sh; carry .gpu-debs, .gpu-data)
#        bash tests/gpu/ab.sh --cpu                           (checksums of build/cpu/kestrel, on the development machine)
set -uo pipefail
cd "$(dirname "$0")/../.."
data=.gpu-data
sim=build/ab-sim.mdf
sum() { (cd "$1" && md5sum -- * | LC_ALL=C sort -k2 | md5sum | cut -c1-8); }
checksums() { # name, binary: the dumps of the three samples, as one checksum each
  local n=$1 k=$2
  rm -rf build/ab-dump-$n && mkdir -p build/ab-dump-$n
  "$k" run -s sequences/velo_pv.json -i $sim --geometry configuration/velo_ideal_geometry.json --dump build/ab-dump-$n/sim \
    --no-progress -t 2 >/dev/null 2>&1
  "$k" run -s sequences/velo_pv.json -i $data/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf \
    --geometry $data/velo_geometry.bin --dump build/ab-dump-$n/mdf --no-progress >/dev/null 2>&1
  "$k" run -s sequences/velo_pv.json -i $data/velopix_minbias.mdf --geometry $data/velo_geometry.bin \
    --dump build/ab-dump-$n/velopix --no-progress >/dev/null 2>&1
  echo "$n: simulated $(sum build/ab-dump-$n/sim) mdf $(sum build/ab-dump-$n/mdf) velopix $(sum build/ab-dump-$n/velopix)"
}
if [ "${1:-}" = --cpu ]; then
  [ -x build/cpu/kestrel ] || make build >/dev/null
  build/cpu/kestrel generate -n 3000 -o $sim --seed 11 >/dev/null
  checksums cpu build/cpu/kestrel
  exit
fi
rounds=${1:-3}
shift || true
export PATH="$PATH:/usr/local/cuda/bin"
prefix=()
if [ -d .gpu-debs/usr ]; then
  prefix=(-DCMAKE_PREFIX_PATH="$PWD/.gpu-debs/usr")
  export LD_LIBRARY_PATH="$PWD/.gpu-debs/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
cmake -S . -B build/ab -DKST_BACKEND=cuda -DKST_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release "${prefix[@]}" >/dev/null
mkdir -p build/ab-bin
cmake --build build/ab -j "$(nproc)" >build/ab-B.log 2>&1 || { tail -30 build/ab-B.log; exit 1; }
cp build/ab/kestrel build/ab-bin/B
names=B
for v in $data/variants/*/; do
  [ -d "$v" ] || continue
  n=$(basename "$v")
  names="$names $n"
  for f in "$v"*; do t=$(basename "$f" | sed 's#__#/#g'); cp "$t" "build/ab-$(basename "$f").orig"; cp "$f" "$t"; done
  cmake --build build/ab -j "$(nproc)" >build/ab-$n.log 2>&1
  ok=$?
  for f in "$v"*; do t=$(basename "$f" | sed 's#__#/#g'); cp "build/ab-$(basename "$f").orig" "$t"; done
  [ $ok = 0 ] || { tail -30 build/ab-$n.log; exit 1; }
  cp build/ab/kestrel build/ab-bin/$n
done
cmake --build build/ab -j "$(nproc)" >/dev/null 2>&1 # back to the working tree
echo "variants: $names"
build/ab-bin/B generate -n 3000 -o $sim --seed 11 >/dev/null
for n in $names; do checksums $n build/ab-bin/$n; done
for r in $(seq "$rounds"); do
  for n in $names; do
    echo "== $n, round $r"
    build/ab-bin/$n bench -s sequences/velo_pv.json -i $sim --geometry configuration/velo_ideal_geometry.json -n 100000 \
      -t 2 -b 2000 --compare-transfer --repeats 5 "$@" 2>&1 | grep -E "events/s|velo_search |pvs "
  done
done
