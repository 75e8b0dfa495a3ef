#!/usr/bin/env bash
# Virtual-trial throughput: patients per second for a 1,000-patient, two-arm de Pillis 2005
# cohort (scenarios/trial_nk_dose.toml with patients = 1000) on 1 and 2 threads and on 2 MPI
# ranks. Prints the median wall time of REPEATS runs (whole command: start-up, sampling,
# database) and the parallel efficiency t1 / (2 t2).
#
#   benchmarks/bench_trial.sh [NKSIM] [NKSIM_MPI] [REPEATS]
#   (defaults: build/bin/nksim build/bin/nksim-mpi 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nksim=${1:-$root/build/bin/nksim}
nksim_mpi=${2:-$root/build/bin/nksim-mpi}
repeats=${3:-5}
patients=1000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed -e "s|^base = \"default.toml\"|base = \"$root/scenarios/default.toml\"|" \
    -e "s|^patients = .*|patients = $patients|" \
    "$root/scenarios/trial_nk_dose.toml" > "$work/trial.toml"

median_time() {  # command... ; prints the median wall time in seconds
  local times=()
  for ((i = 0; i < repeats; ++i)); do
    rm -rf "$work/out"
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "trial: $patients patients x 2 arms = $((2 * patients)) plans, $repeats runs each, median"
t1=$(median_time "$nksim" trial run "$work/trial.toml" --out "$work/out" --threads 1 -q)
t2=$(median_time "$nksim" trial run "$work/trial.toml" --out "$work/out" --threads 2 -q)
tm=$(median_time mpirun --oversubscribe --allow-run-as-root -np 2 "$nksim_mpi" "$work/trial.toml" --out "$work/out" -q)
awk -v n="$patients" -v t1="$t1" -v t2="$t2" -v tm="$tm" 'BEGIN {
  printf "%-26s %9s %14s %11s\n", "runner", "median s", "patients / s", "efficiency"
  printf "%-26s %9.3f %14.0f %11.2f\n", "threads = 1", t1, n / t1, 1
  printf "%-26s %9.3f %14.0f %11.2f\n", "threads = 2", t2, n / t2, t1 / (2 * t2)
  printf "%-26s %9.3f %14.0f %11.2f\n", "mpirun -np 2 nksim-mpi", tm, n / tm, t1 / (2 * tm)
}'
