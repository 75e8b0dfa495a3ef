#!/usr/bin/python3
"""Writes scenarios/fit_depillis2006_patient.csv, the synthetic patient of docs/fit.md.

The patient is the de Pillis 2006 patient-9 scenario (TIL infusion days 7-9, IL-2 days 8-13)
with a tumour growth rate a = 0.5/day, a maximal CD8 kill d = 2.0/day and an initial tumour of
2e6 cells. Tumour counts on days 0-14 are reported as log10 cells with normal noise of sd 0.15;
CD8 counts on days 8-14 with log-normal noise of sd 0.25. Noise from numpy's default_rng(2026).

Usage: tools/fit/make_example_data.py build/bin/nksim
"""
import csv
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRUTH = {"a": 0.5, "d": 2.0, "T0": 2e6}


def main(nksim):
    base = (ROOT / "scenarios" / "depillis2006_patient9.toml").read_text()
    text = base.replace("T = 1e6", f"T = {TRUTH['T0']:g}")
    text = text.replace("[initial]", f"[parameters]\na = {TRUTH['a']}\nd = {TRUTH['d']}\n\n[initial]")
    with tempfile.TemporaryDirectory() as tmp:
        scenario = pathlib.Path(tmp) / "truth.toml"
        scenario.write_text(text)
        subprocess.run([nksim, "run", str(scenario), "--out", f"{tmp}/out", "-q"], check=True)
        rows = {float(r["time_days"]): r for r in csv.DictReader(open(f"{tmp}/out/timeseries.csv"))}
    rng = np.random.default_rng(2026)
    out = ROOT / "scenarios" / "fit_depillis2006_patient.csv"
    with open(out, "w") as f:
        f.write("# Synthetic patient P01 for docs/fit.md, made by tools/fit/make_example_data.py\n")
        f.write("# from scenarios/depillis2006_patient9.toml with a = 0.5/day, d = 2.0/day, T(0) = 2e6 cells.\n")
        f.write("patient,time_days,observable,value,sd\n")
        for day in range(0, 15):
            value = np.log10(float(rows[day]["T"])) + 0.15 * rng.standard_normal()
            f.write(f"P01,{day},log10_tumour,{value:.4f},\n")
        for day in range(8, 15):
            value = float(rows[day]["L"]) * np.exp(0.25 * rng.standard_normal())
            f.write(f"P01,{day},cd8,{value:.4g},\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "bin" / "nksim"))
