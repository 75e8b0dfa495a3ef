#!/usr/bin/env bash
# Runs one fuzz target from ctest (tests/fuzz/CMakeLists.txt):
#   run_fuzzer.sh TARGET SEED_CORPUS DICT WORK_DIR [libFuzzer options...]
# WORK_DIR is emptied; it gets the inputs the fuzzer adds (corpus/), the log (fuzz.log) and any
# input that made a finding (crash-*, timeout-*, oom-*, leak-*, slow-unit-*). Inputs are capped
# at 4096 bytes; an input slower than 10 s, or a process above 2 GB, is a finding. Fails when
# libFuzzer does or when it left a finding behind (fork mode goes on after one).
set -uo pipefail
target=$1 seeds=$2 dict=$3 work=$4
shift 4
rm -rf "$work"
mkdir -p "$work/corpus"
"$target" -seed=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
  -print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" "$seeds" 2>&1 |
  tee "$work/fuzz.log" | grep -v -E '^#[0-9]+.*(NEW|REDUCE|pulse)|NEW_FUNC'
status=${PIPESTATUS[0]}
findings=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' \
  -o -name 'oom-*' -o -name 'leak-*' \) | sort)
if [[ -n "$findings" ]]; then
  echo "FINDINGS (inputs that crash, hang or exhaust memory; replay: $target FILE):"
  echo "$findings"
  exit 1
fi
exit "$status"
