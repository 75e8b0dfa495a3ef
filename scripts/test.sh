#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: first the release build, then the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer, then a short run of each loader's fuzz
# target (clang-14 and libFuzzer, docs/fuzzing.md). Long validations (label "long") and the long
# fuzzing runs (label "fuzz") are skipped; run them with: ctest --test-dir build -L long, and
# ctest --test-dir build-fuzz -L '^fuzz$'
#   scripts/test.sh            release + sanitizers + fuzz smoke
#   scripts/test.sh --fast     release only
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
presets=(release asan fuzz)
if [[ "${1:-}" == "--fast" ]]; then presets=(release); fi
for preset in "${presets[@]}"; do
  echo "== nksim tests: $preset =="
  if [[ "$preset" == fuzz ]] && ! command -v clang++-14 >/dev/null 2>&1; then
    echo "nksim tests: fuzz step FAILED: clang++-14 is not installed, so the loaders were not" \
      "fuzzed (scripts/setup.sh installs clang-14 and libFuzzer)" >&2
    exit 1
  fi
  # Unity builds: sources of a target compiled in batches, which halves the compile time of the
  # sanitizer build (the same templates are instantiated once per batch instead of once per
  # file). A plain `cmake --preset` (development) keeps one translation unit per file.
  cmake --preset "$preset" -DCMAKE_UNITY_BUILD=ON >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
