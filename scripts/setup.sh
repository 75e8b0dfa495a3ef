#!/usr/bin/env bash
# Installs the Debian 12 packages nksim needs. Idempotent: when everything is there it only
# checks (about a second) and installs nothing. Needs root or sudo for apt-get.
set -euo pipefail

packages=(
  # build tools
  g++ cmake ninja-build pkg-config
  # libraries
  libsundials-dev libtomlplusplus-dev libcli11-dev librandom123-dev nlohmann-json3-dev
  libhdf5-dev libsqlite3-dev libopenmpi-dev openmpi-bin
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-scipy
)

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
