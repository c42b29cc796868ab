#!/usr/bin/env bash
# Run on the development machine before a GPU run: gathers what the bare GPU machine lacks into ignored folders
# that the device tool carries along (.gpu-debs: cJSON from Debian; .gpu-data: the shared samples, velopix converted to MDF).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu-debs .gpu-data
if [ ! -f .gpu-debs/usr/include/cjson/cJSON.h ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libcjson1 libcjson-dev >/dev/null)
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" .gpu-debs; done
  rm -rf "$tmp"
fi
if [ -d ../shared/data/lhcb ]; then
  cp -u ../shared/data/lhcb/*.mdf ../shared/data/lhcb/velo_geometry.bin .gpu-data/
  # The UT, SciFi and magnet files, found beside the input under detector/ as in the sample's folder.
  mkdir -p .gpu-data/detector && cp -u ../shared/data/lhcb/detector/*.bin .gpu-data/detector/
fi
# The velopix events travel converted (8 MB of MDF instead of 200 JSON files); the CPU build converts them.
if [ -d ../shared/data/velopix/minbias ] && [ ! -f .gpu-data/velopix_minbias.mdf ]; then
  [ -x build/cpu/kestrel ] || make build >/dev/null
  build/cpu/kestrel convert velopix ../shared/data/velopix/minbias -o .gpu-data/velopix_minbias.mdf >/dev/null
fi
echo "prepared: .gpu-debs ($(du -sh .gpu-debs | cut -f1)), .gpu-data ($(du -sh .gpu-data | cut -f1))"
echo "carry: [\".gpu-debs\", \".gpu-data\"]; command: bash tests/gpu/run.sh"
