#!/usr/bin/env bash
# Sets up, builds and runs a scenario (default: scenarios/default.toml), then writes its HTML
# report. A trial file (one with a [trial] table, docs/trials.md) is run with `nksim trial run`,
# analysed, and reported.
#   scripts/run.sh [SCENARIO|TRIAL] [extra nksim run options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release -DCMAKE_UNITY_BUILD=ON >/dev/null  # batched sources: see scripts/test.sh
# Only the command-line program: the tests and benchmarks are built by scripts/test.sh.
cmake --build --preset release --target nksim_cli
scenario=${1:-scenarios/default.toml}
shift || true
name=$(basename "$scenario" .toml)
if grep -q '^\[trial\]' "$scenario"; then
  ./build/bin/nksim trial run "$scenario" --out "results/$name" "$@"
  ./build/bin/nksim trial analyse "results/$name"
  ./build/bin/nksim report "results/$name"
else
  ./build/bin/nksim run "$scenario" --out "results/$name" --report "$@"
fi
