#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: first the release build, then the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer. Long validations (label "long") are
# skipped; run them with: ctest --test-dir build -L long
#   scripts/test.sh            release + sanitizers
#   scripts/test.sh --fast     release only
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
presets=(release asan)
if [[ "${1:-}" == "--fast" ]]; then presets=(release); fi
for preset in "${presets[@]}"; do
  echo "== nksim tests: $preset =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
