#!/usr/bin/env bash
# Runs every fuzzer of a KST_FUZZ build for SECONDS each, seeded from the repository and ../shared/data, and prints
# executions and coverage per fuzzer. Exit status 1 when any fuzzer found a crash, a leak or a timeout.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -uo pipefail
build=$1 seconds=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/../shared/data
corpus=$build/corpus findings=$build/findings
mkdir -p "$findings"

# seed FUZZER FILE...: copies files into the fuzzer's corpus (kept between runs, so coverage accumulates).
seed() {
  local name=$1; shift
  mkdir -p "$corpus/$name"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$corpus/$name/seed_$(basename "$f")"; done
}
seed fuzz_sequence "$root"/sequences/*.json "$root"/tests/example/*.json
seed fuzz_conditions "$root"/configuration/*.json "$data"/lhcb/velo_geometry.bin "$data"/lhcb/detector/*.bin
seed fuzz_velopix "$data"/velopix/minbias/velo_event_{0,1,2,3}.json
mkdir -p "$corpus/fuzz_mdf"
if [ -f "$data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf" ]; then
  # One seed per record: small inputs run fast and mutate where it matters.
  /usr/bin/python3 - "$data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf" "$corpus/fuzz_mdf" <<'PY'
import struct, sys
raw = open(sys.argv[1], 'rb').read()
pos = i = 0
while pos + 4 <= len(raw):
    size = struct.unpack_from('<I', raw, pos)[0]
    if size < 4 or pos + size > len(raw): break
    open(f'{sys.argv[2]}/seed_record_{i}.mdf', 'wb').write(raw[pos:pos + size])
    pos += size; i += 1
PY
else
  echo "fuzz: ../shared/data not present: fuzz_mdf, fuzz_velopix and fuzz_conditions start from smaller corpora"
fi
[ -x "$root/build/cpu/kestrel" ] && [ ! -f "$corpus/fuzz_mdf/seed_sim.mdf" ] &&
  "$root/build/cpu/kestrel" generate -n 3 --seed 7 -o "$corpus/fuzz_mdf/seed_sim.mdf" >/dev/null 2>&1

# Selected-objects banks: one event line; two tracks (one long), a vertex of them and lines naming each.
mkdir -p "$corpus/fuzz_selected_objects"
/usr/bin/python3 - "$corpus/fuzz_selected_objects" <<'PY'
import struct, sys
def track(long_, ids):
    nv, ns = (len(ids) - 2, 2) if long_ else (len(ids), 0)
    return [int(long_) | nv << 8 | ns << 16] + [0] * 13 + [5] + ids
words = [2, 1, 3] + track(True, [1, 2, 3, 4, 5]) + track(False, [6, 7, 8]) + [0] * 15 + [0, 1]
words += [1 | 1 << 16, 3 | 3 << 16 | 1 << 24, 0, 9 | 4 << 16 | 1 << 24, 0]
for name, w in (("event", [0, 0, 1, 1 | 1 << 16]), ("objects", words)):
    open(f"{sys.argv[1]}/seed_{name}.bin", "wb").write(struct.pack(f"<{len(w)}I", *w))
PY

status=0
printf '%-16s %10s %8s %8s %s\n' fuzzer executions cov features result
for fz in "$build"/tests/fuzz/fuzz_*; do
  name=$(basename "$fz")
  log=$build/$name.log
  mkdir -p "$corpus/$name"
  # Stderr of the run itself (rejected-event messages) goes to the log; libFuzzer's report is read back from it.
  ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$fz" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=262144 \
    -artifact_prefix="$findings/$name-" "$corpus/$name" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}')
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$stats")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$stats")
  result=ok
  if [ $rc -ne 0 ]; then
    result="FAILED (exit $rc, log $log, input in $findings)"
    status=1
    grep -E 'ERROR|runtime error|SUMMARY' "$log" | head -5
  fi
  printf '%-16s %10s %8s %8s %s\n' "$name" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
