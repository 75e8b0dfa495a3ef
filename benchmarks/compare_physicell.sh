#!/usr/bin/env bash
# Side by side with PhysiCell: the reference workload (scenarios/bench_cancer_immune_3d.toml)
# against PhysiCell's own cancer-immune sample, the same simulated time, paired runs made back to
# back with the order alternating between rounds. Builds nothing.
#
#   benchmarks/compare_physicell.sh PHYSICELL_DIR NKSIM_BIN ROUNDS [THREADS]
#
# PHYSICELL_DIR: a PhysiCell source tree (1.14.2) in which `make cancer-immune-sample && make`
#   has built ./cancer_immune_3D; its config/PhysiCell_settings.xml is copied and the copy edited:
#   full and SVG outputs off, immune_activation_time 0 (the immune cells from the start, as in
#   the nksim scenario), omp_num_threads THREADS, max_time SIM_MIN.
# NKSIM_BIN: build/bin/nksim; the scenario is copied with end_time_min = SIM_MIN.
# THREADS: 2 unless given. Environment: SIM_MIN (simulated minutes, default 15); NKSIM_SCENARIO
#   (default: the reference workload of this checkout); KEEP=1 keeps the work folder.
#   OMP_WAIT_POLICY and the rest of the environment are passed to both programs unchanged.
#
# Prints, per run, wall and CPU (user + sys) seconds and peak RSS (/usr/bin/time -v), then the
# medians, the ratios PhysiCell / nksim of the medians and the median of the per-round ratios,
# and the final counts of the last round of each (live tumour cells, immune cells, tumour cells
# killed) so that the two runs can be seen to do the same work.
set -euo pipefail
if (($# < 3)); then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
physicell=$(cd "$1" && pwd)
nksim=$(realpath "$2")
rounds=$3
threads=${4:-2}
sim_min=${SIM_MIN:-15}
scenario=${NKSIM_SCENARIO:-$root/scenarios/bench_cancer_immune_3d.toml}
[[ -x "$physicell/cancer_immune_3D" ]] || {
  echo "no $physicell/cancer_immune_3D: run 'make cancer-immune-sample && make' there" >&2
  exit 2
}
[[ -x "$nksim" ]] || { echo "no nksim binary at $nksim" >&2; exit 2; }
work=$(mktemp -d)
[[ "${KEEP:-0}" == 1 ]] && echo "work folder: $work" || trap 'rm -rf "$work"' EXIT

# PhysiCell settings: outputs off, immune cells at time 0, THREADS threads, SIM_MIN minutes. The
# folder is set per run below. (PhysiCell still writes its initial and final states.)
sed -e "s|<max_time units=\"min\">[^<]*</max_time>|<max_time units=\"min\">$sim_min</max_time>|" \
    -e "s|<omp_num_threads>[^<]*</omp_num_threads>|<omp_num_threads>$threads</omp_num_threads>|" \
    -e '/<full_data>/,/<\/full_data>/s|<enable>true</enable>|<enable>false</enable>|' \
    -e '/<SVG>/,/<\/SVG>/s|<enable>true</enable>|<enable>false</enable>|' \
    -e 's|\(<immune_activation_time[^>]*>\)[^<]*<|\10<|' \
    "$physicell/config/PhysiCell_settings.xml" > "$work/settings.template.xml"
for tag in "<max_time units=\"min\">$sim_min<" "<omp_num_threads>$threads<" \
           "<immune_activation_time type=\"double\" units=\"min\">0<"; do
  grep -qF "$tag" "$work/settings.template.xml" || {
    echo "could not set $tag in PhysiCell's settings" >&2
    exit 2
  }
done
sed -e "s|^end_time_min = .*|end_time_min = $sim_min|" \
    -e "s|^output_interval_min = .*|output_interval_min = $sim_min|" \
    "$scenario" > "$work/nksim.toml"

# run NAME ROUND: one timed run; appends "name round wall cpu rss_kb" to $work/times.
run() {
  local name=$1 round=$2 dir="$work/$1-$2"
  mkdir -p "$dir"
  if [[ $name == physicell ]]; then
    sed -e "s|<folder>[^<]*</folder>|<folder>$dir/output</folder>|" \
        "$work/settings.template.xml" > "$dir/settings.xml"
    mkdir -p "$dir/output"
    (cd "$physicell" && OMP_NUM_THREADS=$threads /usr/bin/time -v -o "$dir/time" \
        ./cancer_immune_3D "$dir/settings.xml" > "$dir/log" 2>&1)
  else
    OMP_NUM_THREADS=$threads /usr/bin/time -v -o "$dir/time" \
        "$nksim" run "$work/nksim.toml" -q -t "$threads" --out "$dir/output" > "$dir/log" 2>&1
  fi
  awk -v name="$name" -v round="$round" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; ++i) wall = wall * 60 + p[i] }
    /User time/ { cpu += $2 } /System time/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 }
    END { printf "%s %d %.2f %.2f %d\n", name, round, wall, cpu, rss }' "$dir/time" \
    | tee -a "$work/times"
}

echo "# $rounds rounds, $threads threads, $sim_min simulated min; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# program round wall_s cpu_s peak_rss_kb"
for ((r = 1; r <= rounds; ++r)); do
  if ((r % 2)); then run physicell "$r"; run nksim "$r"; else run nksim "$r"; run physicell "$r"; fi
done

/usr/bin/python3 - "$work" "$rounds" <<'EOF'
import csv, json, os, statistics, struct, sys

work, rounds = sys.argv[1], int(sys.argv[2])
rows = [line.split() for line in open(os.path.join(work, "times"))]
t = {(r[0], int(r[1])): [float(x) for x in r[2:]] for r in rows}
print("\n| figure | PhysiCell median | nksim median | ratio of medians | median of per-round ratios |")
print("| --- | --- | --- | --- | --- |")
for k, label in enumerate(["wall (s)", "CPU (s)", "peak RSS (MB)"]):
    scale = 1 / 1024 if k == 2 else 1
    pc = [t[("physicell", r)][k] * scale for r in range(1, rounds + 1)]
    nk = [t[("nksim", r)][k] * scale for r in range(1, rounds + 1)]
    pairs = [a / b for a, b in zip(pc, nk) if b > 0]
    print(f"| {label} | {statistics.median(pc):.2f} | {statistics.median(nk):.2f} | "
          f"{statistics.median(pc) / statistics.median(nk):.1f} | {statistics.median(pairs):.1f} |")

# Final counts of the last round. PhysiCell: final_cells.mat (MATLAB level 4, one column per cell,
# rows named in final.xml); cell_type 0 = cancer cell, 1 = immune cell; a killed cell is a dead
# cancer cell whose death model is apoptosis (index 0; the sample's apoptosis rate is 0).
def physicell_counts(folder):
    import xml.etree.ElementTree as ET
    rows = {}
    for label in ET.parse(os.path.join(folder, "final.xml")).iter("label"):
        rows.setdefault(label.text, int(label.get("index")))
    with open(os.path.join(folder, "final_cells.mat"), "rb") as f:
        kind, m, n, imag, namelen = struct.unpack("<5i", f.read(20))
        f.read(namelen)
        data = f.read(8 * m * n)
    value = lambda row, col: struct.unpack_from("<d", data, 8 * (col * m + row))[0]
    c = {"live tumour": 0, "immune": 0, "tumour killed": 0, "dead tumour": 0}
    for col in range(n):
        kind = value(rows["cell_type"], col)
        dead = value(rows["dead"], col) > 0.5
        if kind == 1:
            c["immune"] += 1
        elif not dead:
            c["live tumour"] += 1
        else:
            c["dead tumour"] += 1
            c["tumour killed"] += value(rows["current_death_model"], col) == 0
    return c

def nksim_counts(folder):
    with open(os.path.join(folder, "counts.csv")) as f:
        last = list(csv.DictReader(line for line in f if not line.startswith("#")))[-1]
    c = {"live tumour": float(last.get("tumour_live", "nan")),
         "immune": sum(float(v) for k, v in last.items() if k.startswith("immune_")),
         "tumour killed": float(last.get("attach_kill_kills", "nan")),
         "dead tumour": sum(float(v) for k, v in last.items()
                            if k.startswith("tumour_") and k != "tumour_live")}
    return {k: int(v) if v == v else v for k, v in c.items()}

pc = physicell_counts(os.path.join(work, f"physicell-{rounds}", "output"))
nk = nksim_counts(os.path.join(work, f"nksim-{rounds}", "output"))
print(f"\nfinal counts (round {rounds}):")
print("| count | PhysiCell | nksim |")
print("| --- | --- | --- |")
for k in pc:
    print(f"| {k} | {pc[k]} | {nk[k]} |")
EOF
