"""Shared fixtures: where the sources and the nksim executable are (set by ctest)."""
import os
import pathlib
import subprocess

import pytest

SOURCE = pathlib.Path(os.environ.get("NKSIM_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
SCENARIOS = SOURCE / "scenarios"


@pytest.fixture
def source():
    return SOURCE


@pytest.fixture
def scenarios():
    return SCENARIOS


@pytest.fixture
def run_cli():
    """Runs the nksim executable; returns the CompletedProcess (never raises on exit codes)."""
    binary = os.environ.get("NKSIM_BINARY", str(SOURCE / "build" / "bin" / "nksim"))

    def run(*args):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True,
                              timeout=600)
    return run


def read_csv(path):
    """A CSV file written by nksim as {column: numpy array} (all columns numeric)."""
    import numpy as np
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [list(map(float, line.split(","))) for line in f if line.strip()]
    data = np.array(rows)
    return {name: data[:, i] for i, name in enumerate(header)}
