#!/bin/sh
# make demo: the main job on an embedded default: simulated minimum bias through VELO tracking and primary vertices
# with validation, then the real LHCb samples when ../shared/data is present.
set -e
KESTREL=${1:-build/cpu/kestrel}
DATA=../shared/data
OUT=build/demo
THREADS=$(nproc)
mkdir -p "$OUT"
"$KESTREL" --version
echo
echo "== simulate 3000 LHCb-like minimum-bias events (pile-up 7.6)"
"$KESTREL" generate -n 3000 -o "$OUT/minbias.mdf" --seed 1
echo
echo "== VELO decoding, tracking and primary vertices on them, checked against MC truth"
"$KESTREL" run --no-progress -s sequences/velo_pv.json -i "$OUT/minbias.mdf" \
  --geometry configuration/velo_ideal_geometry.json --validate -t "$THREADS" --report "$OUT/minbias.json"
if [ -f "$DATA/lhcb/velo_geometry.bin" ]; then
  MDF=$(ls "$DATA"/lhcb/*.mdf | head -1)
  echo
  echo "== the same on the real LHCb sample ($MDF)"
  "$KESTREL" run --no-progress -s sequences/velo_pv.json -i "$MDF" --geometry "$DATA/lhcb/velo_geometry.bin" \
    --validate -t "$THREADS" --report "$OUT/lhcb.json"
  if [ -f "$DATA/lhcb/detector/scifi_geometry.bin" ]; then
    echo
    echo "== the trigger on the LHCb sample: long tracks with momentum, their fit and IPs, vertices, lines, checked"
    "$KESTREL" run --no-progress -s sequences/hlt1.json -i "$MDF" --validate -t "$THREADS" --report "$OUT/lhcb_hlt1.json"
    echo
    echo "== 1000 simulated events with the magnet, the UT and the SciFi (LHCb's detector files) through the trigger"
    "$KESTREL" generate -n 1000 -o "$OUT/minbias_long.mdf" --seed 1 --detector "$DATA/lhcb/detector"
    "$KESTREL" run --no-progress -s sequences/hlt1.json -i "$OUT/minbias_long.mdf" --detector "$DATA/lhcb/detector" \
      --validate -t "$THREADS" --report "$OUT/minbias_hlt1.json"
    echo
    echo "== 500 simulated B0 -> K+ pi- events through the trigger: vertices and line efficiencies"
    "$KESTREL" generate -n 500 -o "$OUT/b2kpi.mdf" --seed 1 --signal 'B0->K+pi-' --detector "$DATA/lhcb/detector"
    "$KESTREL" run --no-progress -s sequences/hlt1.json -i "$OUT/b2kpi.mdf" --detector "$DATA/lhcb/detector" \
      --validate -t "$THREADS" --report "$OUT/b2kpi_hlt1.json"
  fi
  echo
  echo "== the 200 real velopix events, converted to MDF, tracked and checked"
  "$KESTREL" convert velopix "$DATA/velopix/minbias" -o "$OUT/velopix.mdf"
  "$KESTREL" run --no-progress -s sequences/velo.json -i "$OUT/velopix.mdf" --geometry "$DATA/lhcb/velo_geometry.bin" \
    --validate -t "$THREADS"
else
  echo "$DATA not found: the real-data part of the demo is skipped"
fi
echo
echo "== throughput of VELO+PV on this machine's CPU (kestrel bench, 3000 preloaded events)"
"$KESTREL" bench -s sequences/velo_pv.json -i "$OUT/minbias.mdf" --geometry configuration/velo_ideal_geometry.json \
  -n 3000 -t "$THREADS" --repeats 3
