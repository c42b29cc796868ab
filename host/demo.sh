#!/bin/sh
# make demo: the main job on an embedded default: real LHCb samples when ../shared/data is present.
set -e
KESTREL=${1:-build/cpu/kestrel}
DATA=../shared/data
OUT=build/demo
mkdir -p "$OUT"
"$KESTREL" --version
if [ -f "$DATA/lhcb/velo_geometry.bin" ]; then
  MDF=$(ls "$DATA"/lhcb/*.mdf | head -1)
  echo
  echo "== VELO decoding of the real LHCb sample ($MDF), checked against MC truth"
  "$KESTREL" run --no-progress -s sequences/velo_decoding.json -i "$MDF" --geometry "$DATA/lhcb/velo_geometry.bin" --validate -t 2
  echo
  echo "== the 200 real velopix events, converted to MDF, decoded and checked"
  "$KESTREL" convert velopix "$DATA/velopix/minbias" -o "$OUT/velopix.mdf"
  "$KESTREL" run --no-progress -s sequences/velo_decoding.json -i "$OUT/velopix.mdf" --geometry "$DATA/lhcb/velo_geometry.bin" --validate -t 2
else
  echo "$DATA not found: the real-data part of the demo is skipped"
fi
