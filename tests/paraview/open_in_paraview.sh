#!/usr/bin/env bash
# Runs a spatial scenario, then opens its snapshots.xdmf in ParaView (pvbatch) and checks what
# ParaView reads against the run's own files (check_xdmf.py).
# Usage: open_in_paraview.sh NKSIM PVBATCH SCENARIO OUTDIR
set -euo pipefail
nksim=$1 pvbatch=$2 scenario=$3 out=$4
rm -rf "$out"
"$nksim" run "$scenario" -q --out "$out"
# pvbatch embeds its own Python; a PYTHONPATH meant for another interpreter would confuse it.
env -u PYTHONPATH -u PYTHONHOME "$pvbatch" "$(dirname "$0")/check_xdmf.py" "$out"
