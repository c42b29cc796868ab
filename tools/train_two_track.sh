#!/usr/bin/env bash
# Trains the shipped two-track network from scratch: simulated training samples (fixed seeds), their vertex features
# (sequences/nn_training.json), tools/train_network.py, then tools/nn_evaluation.py on held-out seeds.
# Usage: tools/train_two_track.sh [WORK_DIR] [OUT.json]   (make networks; about 20 minutes on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/networks}
out=${2:-$root/configuration/networks/two_track.json}
kestrel=$root/build/cpu/kestrel
detector=$root/../shared/data/lhcb/detector
[ -f "$detector/ut_boards.bin" ] || { echo "train_two_track: $detector is needed (LHCb's detector files)" >&2; exit 1; }
mkdir -p "$work"
cd "$work"
# sample NAME SEED EVENTS [SIGNAL]: generated once, features dumped once
sample() {
  local name=$1 seed=$2 n=$3 signal=${4:-}
  [ -f "$name.mdf" ] || "$kestrel" generate -n "$n" --seed "$seed" ${signal:+--signal "$signal"} -o "$name.mdf" \
    --detector "$detector" >/dev/null
  if [ ! -d "csv_$name" ]; then
    mkdir -p "csv_$name.partial"
    "$kestrel" run -s "$root/sequences/nn_training.json" -i "$name.mdf" --detector "$detector" -t "$(nproc)" \
      --validate --dump "csv_$name.partial" --no-progress >"csv_$name.log"
    mv "csv_$name.partial" "csv_$name"
  fi
}
sample mb_train 101 10000
sample mb_train2 104 20000
sample b2kpi_train 102 3000 'B0->K+pi-'
sample bs2phiphi_train 103 3000 'Bs->phi(K+K-)phi(K+K-)'
sample mb_test 52 20000
sample b2kpi_test 51 2000 'B0->K+pi-'
sample bs2phiphi_test 51 2000 'Bs->phi(K+K-)phi(K+K-)'
/usr/bin/python3 "$root/tools/train_network.py" --signal csv_b2kpi_train --signal csv_bs2phiphi_train \
  --background csv_mb_train --background csv_mb_train2 --out "$out"
/usr/bin/python3 "$root/tools/nn_evaluation.py" --network "$out" --train-background csv_mb_train2 \
  --train-signal csv_b2kpi_train --train-signal csv_bs2phiphi_train --background csv_mb_test \
  --signal B2KPi=csv_b2kpi_test --signal Bs2PhiPhi=csv_bs2phiphi_test --rate-khz 500 --plots plots --json evaluation.json
