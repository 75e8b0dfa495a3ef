#!/usr/bin/env bash
# Sets up, builds and runs a scenario (default: scenarios/default.toml).
#   scripts/run.sh [SCENARIO] [extra nksim run options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
scenario=${1:-scenarios/default.toml}
shift || true
name=$(basename "$scenario" .toml)
./build/bin/nksim run "$scenario" --out "results/$name" "$@"
