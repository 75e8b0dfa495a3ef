#!/usr/bin/env bash
# Installs the Debian 12 packages nksim needs, and the npm packages of tools/report (the charting
# library embedded in HTML reports, three.js for the 3-D views of 3-D spatial runs, and
# playwright-core for the browser test, which drives Debian's chromium). Idempotent: when
# everything is there it only checks (about a second) and installs nothing. Needs root or sudo
# for apt-get, and the npm registry for the first npm ci.
set -euo pipefail

packages=(
  # build tools
  g++ cmake ninja-build pkg-config
  # libraries
  libsundials-dev libtomlplusplus-dev libcli11-dev librandom123-dev nlohmann-json3-dev
  libhdf5-dev libsqlite3-dev libopenmpi-dev openmpi-bin
  # the Rodas4 integrator's small dense linear algebra (docs/scenarios.md, [solver])
  libeigen3-dev
  # fitting (docs/fit.md)
  libnlopt-cxx-dev
  # the Python module (docs/python.md) and SBML import/export (docs/sbml.md)
  pybind11-dev python3-dev python3-numpy python3-pandas libsbml5-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-scipy python3-pytest
  # benchmarks/compare_fields.py (reads HDF5 snapshots; docs/spatial.md)
  python3-h5py
  # HTML reports: the browser test opens them in headless chromium
  chromium
  # fuzzing (preset "fuzz", docs/fuzzing.md): clang with libFuzzer, its sanitizer runtimes and
  # the OpenMP runtime clang links
  clang-14 libfuzzer-14-dev libclang-rt-14-dev libomp-14-dev
)
# Node.js with npm: Debian's nodejs + npm unless a Node.js with npm is already installed (for
# example from NodeSource, whose nodejs package bundles npm and conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "nksim setup: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "nksim setup: all Debian packages present"
fi

# npm packages for reports (vega, vega-lite, vega-embed, three), pinned by
# tools/report/package-lock.json. Reinstalled only when the
# lock file is newer than the installed tree.
report_tools="$(cd "$(dirname "$0")/.." && pwd)/tools/report"
stamp="$report_tools/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$report_tools/package-lock.json" -nt "$stamp" ]]; then
  echo "nksim setup: installing the report tools (npm ci in tools/report)"
  (cd "$report_tools" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "nksim setup: report tools present (tools/report/node_modules)"
fi
