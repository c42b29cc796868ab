#!/usr/bin/env bash
# The include rules of docs/architecture.md ("What each folder may include"): fails naming every include that breaks
# them. Run by ctest from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
check() { # FOLDER ALLOWED-REGEX
  local hits
  hits=$(grep -rnE '#include "[a-z_]+/' "$1" --include='*.c' --include='*.h' --include='*.cu' |
         grep -vE "#include \"($2)/" || true)
  if [ -n "$hits" ]; then
    echo "include_rules: $1/ may include only $2:" >&2
    echo "$hits" >&2
    bad=1
  fi
}
check device 'device'
check checker 'checker'
check configuration 'configuration|device'
check input 'input|configuration|checker|device'
check host/runtime 'host/runtime|configuration|input|checker|device'
[ $bad = 0 ] && echo "include_rules: 5 folders follow docs/architecture.md"
exit $bad
