#!/bin/bash
# rpm 4.18's own rpm.vercmp() and rpm.ver() ordering, through its embedded Lua.
set -eu
cd "$(dirname "$0")"
python3 candidates.py rpm pairs > /tmp/bulkhead-rpm-pairs.tsv
rpm --eval "%{lua: dofile('$(pwd)/rpm.lua')}" >/dev/null
