#!/bin/bash
# dpkg --compare-versions on every candidate pair; dpkg's verdict on every candidate.
set -u
cd "$(dirname "$0")"
python3 candidates.py deb versions | while IFS= read -r v; do
  err=$(dpkg --compare-versions "$v" eq "$v" 2>&1 >/dev/null); rc=$?
  if [ $rc -gt 1 ]; then kind=error; elif [ -n "$err" ]; then kind=warning; else kind=ok; fi
  printf '%s\t%s\n' "$v" "$kind"
done > ../deb-parse.tsv
python3 candidates.py deb pairs | while IFS=$'\t' read -r a b; do
  if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then r=-1
  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then r=0
  elif dpkg --compare-versions "$a" gt "$b" 2>/dev/null; then r=1
  else continue; fi
  printf '%s\t%s\t%s\n' "$a" "$b" "$r"
done > ../deb-compare.tsv
