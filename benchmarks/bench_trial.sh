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

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Runs a command REPEATS times; prints "median_wall_s median_cpu_s" (cpu = user + sys of the
# command and its children: with a loaded machine, wall time varies far more than cpu time).
measure() {
  local walls=() cpus=()
  for ((i = 0; i < repeats; ++i)); do
    rm -rf "$work/out"
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > /dev/null
    read -r wall user sys < "$work/time"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "trial: $patients patients x 2 arms = $((2 * patients)) plans, $repeats runs each, median"
read -r t1 c1 < <(measure "$nksim" trial run "$work/trial.toml" --out "$work/out" --threads 1 -q)
read -r t2 c2 < <(measure "$nksim" trial run "$work/trial.toml" --out "$work/out" --threads 2 -q)
read -r tm cm < <(measure mpirun --oversubscribe --allow-run-as-root -np 2 "$nksim_mpi" "$work/trial.toml" --out "$work/out" -q)
awk -v n="$patients" -v t1="$t1" -v t2="$t2" -v tm="$tm" -v c1="$c1" -v c2="$c2" -v cm="$cm" 'BEGIN {
  printf "%-24s %8s %13s %11s %8s\n", "runner", "wall s", "patients / s", "efficiency", "cpu s"
  printf "%-24s %8.3f %13.0f %11.2f %8.2f\n", "threads = 1", t1, n / t1, 1, c1
  printf "%-24s %8.3f %13.0f %11.2f %8.2f\n", "threads = 2", t2, n / t2, t1 / (2 * t2), c2
  printf "%-24s %8.3f %13.0f %11.2f %8.2f\n", "mpirun -np 2 nksim-mpi", tm, n / tm, t1 / (2 * tm), cm
}'
