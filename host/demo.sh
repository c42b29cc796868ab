#!/bin/sh
# make demo: the main job on an embedded default (grows as the pipeline lands).
set -e
KESTREL=${1:-build/cpu/kestrel}
"$KESTREL" --version
