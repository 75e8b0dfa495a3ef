#!/usr/bin/env python3
"""nksim vs SciPy on one virtual patient of the de Pillis 2005 model.

The same problem as benchmarks/bench_well_mixed.cpp: mouse_nn parameters, T0 = 1e6,
N0 = sigma/f, L0 = 0, an NK bolus on day 7 (1e7 or 1e6 cells), 300 days, daily outputs,
rtol 1e-8, atol 1e-6. SciPy uses solve_ivp(method="LSODA") with the overflow-safe CD8 kill form
and the same bolus handling (integrate to day 7, add the dose, restart). Prints, per dose, the
median time per patient of SciPy and of each nksim integrator of the benchmark (CVODE; Rodas4
and Rodas5P at rtol 1e-8, 1e-6 and, for Rodas5P, at the rtol where its accuracy matches
Rodas4's: docs/performance.md), SciPy's time over nksim's, nksim's steps and its largest
relative error against the rtol 1e-12 reference.

Usage: python3 benchmarks/compare_scipy.py [path/to/bench_well_mixed] [repeats]
"""
import json
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

P = dict(a=0.514, b=1.02e-9, c=3.23e-7, sigma=1.3e4, f=4.12e-2, g=2.5e-2, h=2.02e7, p=1e-7,
         m=2e-2, j=3.75e-2, k=2.02e7, q=3.42e-10, r=1.1e-7, d=1.43, lam=0.58, s=2.73)


def rhs(t, y):
    T, N, L = y
    if L <= 0:
        D = 0.0
    elif T <= 0:
        D = P["d"]
    else:
        D = P["d"] / (1 + P["s"] * (T / L) ** P["lam"])
    DT = D * T
    return [P["a"] * T * (1 - P["b"] * T) - P["c"] * N * T - DT,
            P["sigma"] - P["f"] * N + P["g"] * T * T / (P["h"] + T * T) * N - P["p"] * N * T,
            -P["m"] * L + P["j"] * DT * DT / (P["k"] + DT * DT) * L - P["q"] * L * T
            + P["r"] * N * T]


def patient(dose):
    y0 = [1e6, P["sigma"] / P["f"], 0.0]
    first = solve_ivp(rhs, (0, 7), y0, method="LSODA", rtol=1e-8, atol=1e-6,
                      t_eval=np.arange(0, 8.0))
    y7 = first.y[:, -1].copy()
    y7[1] += dose
    second = solve_ivp(rhs, (7, 300), y7, method="LSODA", rtol=1e-8, atol=1e-6,
                       t_eval=np.arange(7, 301.0))
    return second.y[0, -1]


def time_scipy(dose, repeats):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        patient(dose)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_nksim(binary, dose, method, repeats):
    name = f"BM_DePillis2005Patient/dose:{int(dose)}/method:{method}$"
    out = subprocess.run([binary, f"--benchmark_filter={name}",
                          f"--benchmark_repetitions={repeats}", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if b.get("aggregate_name") == "median"]
    # microseconds -> seconds
    return runs[0]["real_time"] * 1e-6, runs[0]["solver_steps"], runs[0]["max_rel_error"]


# bench_well_mixed's second argument (kMethods there).
METHODS = ("CVODE 1e-8", "Rodas4 1e-8", "Rodas4 1e-6", "Rodas5P 1e-8", "Rodas5P 1e-6",
           "Rodas5P 2e-9", "Rodas5P 3e-7")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/benchmarks/bench_well_mixed"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    for dose in (1e7, 1e6):
        scipy_s = time_scipy(dose, repeats)
        print(f"NK dose {dose:.0e}: SciPy LSODA {scipy_s * 1e3:.2f} ms")
        print(f"  {'nksim':<14} {'per patient':>12} {'ratio':>6} {'steps':>6} {'max rel error':>14}")
        for method, label in enumerate(METHODS):
            nksim_s, steps, error = time_nksim(binary, dose, method, repeats)
            print(f"  {label:<14} {nksim_s * 1e3:9.3f} ms {scipy_s / nksim_s:5.0f}x "
                  f"{steps:6.0f} {error:14.2e}")


if __name__ == "__main__":
    main()
